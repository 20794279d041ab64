package io.chainsight.cli;

import io.chainsight.cli.command.CheckConfigCommand;
import io.chainsight.cli.command.DemoCommand;
import io.chainsight.cli.command.DiagnoseCommand;
import io.chainsight.cli.command.HealthcheckCommand;
import io.chainsight.cli.command.PkiCommand;
import io.chainsight.cli.command.ProbeCommand;
import io.chainsight.cli.command.RegistrarStandInCommand;
import io.chainsight.cli.command.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code chainsight} executable: one picocli command per subcommand, each in {@code
 * cli.command}.
 */
@Command(
    name = "chainsight",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "mTLS reverse proxy that explains every failed handshake.",
    subcommands = {
      RunCommand.class,
      CheckConfigCommand.class,
      DemoCommand.class,
      PkiCommand.class,
      DiagnoseCommand.class,
      ProbeCommand.class,
      HealthcheckCommand.class,
      RegistrarStandInCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    NettyDefaults.apply();
    System.exit(newCommandLine().execute(args));
  }

  /** The command line as {@code main} runs it; tests call {@code execute} on it in-process. */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // Bad input is exit 2 everywhere (diagnose uses 1 for "chain invalid").
    commandLine.setExitCodeExceptionMapper(e -> 2);
    return commandLine;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
