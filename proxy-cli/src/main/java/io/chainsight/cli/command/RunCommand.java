package io.chainsight.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until this command is written; exits 2 and says so. */
@Command(name = "run", description = "(not built yet)")
public final class RunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("chainsight run: not built yet in this version");
    return 2;
  }
}
