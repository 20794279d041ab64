package io.chainsight.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until this command is written; exits 2 and says so. */
@Command(name = "probe", description = "(not built yet)")
public final class ProbeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("chainsight probe: not built yet in this version");
    return 2;
  }
}
