package io.chainsight.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code chainsight pki}: certificates for trying chainsight out; the work is in its subcommands.
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "Make certificates for testing chainsight (never for production).",
    subcommands = {PkiInitCommand.class})
public final class PkiCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand (expected: init)");
  }
}
