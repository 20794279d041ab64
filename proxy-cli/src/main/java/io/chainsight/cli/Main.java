package io.chainsight.cli;

import io.chainsight.cli.command.CheckConfigCommand;
import io.chainsight.cli.command.DemoCommand;
import io.chainsight.cli.command.DiagnoseCommand;
import io.chainsight.cli.command.HealthcheckCommand;
import io.chainsight.cli.command.PkiCommand;
import io.chainsight.cli.command.ProbeCommand;
import io.chainsight.cli.command.RegistrarStandInCommand;
import io.chainsight.cli.command.RunCommand;
import io.chainsight.cli.command.TrainCommand;
import java.util.List;
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
    description = "mTLS reverse proxy that explains every failed handshake.")
public final class Main implements Runnable {
  /** The subcommands, in the order the help lists them. */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          RunCommand.class,
          CheckConfigCommand.class,
          DemoCommand.class,
          PkiCommand.class,
          DiagnoseCommand.class,
          ProbeCommand.class,
          HealthcheckCommand.class,
          RegistrarStandInCommand.class,
          TrainCommand.class,
          CommandLine.HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    NettyDefaults.apply();
    if (args.length > 0 && args[0].equals("run")) {
      StartAhead.begin();
    }
    System.exit(newCommandLine(args).execute(args));
  }

  /** The command line as {@code main} runs it; tests call {@code execute} on it in-process. */
  public static CommandLine newCommandLine() {
    return newCommandLine(SUBCOMMANDS);
  }

  /**
   * The command line for {@code args}: when they start with a subcommand's name, with that
   * subcommand alone. picocli reads every registered command's annotations and fields up front, and
   * a proxy starting in a fresh JVM has better things to do than model seven commands it will not
   * run; usage and errors read the same either way. {@code help} and anything else get them all.
   */
  static CommandLine newCommandLine(String[] args) {
    if (args.length > 0 && !args[0].equals("help")) {
      for (Class<?> subcommand : SUBCOMMANDS) {
        Command command = subcommand.getAnnotation(Command.class);
        if (command != null && command.name().equals(args[0])) {
          return newCommandLine(List.of(subcommand));
        }
      }
    }
    return newCommandLine();
  }

  private static CommandLine newCommandLine(List<Class<?>> subcommands) {
    CommandLine commandLine = new CommandLine(new Main());
    for (Class<?> subcommand : subcommands) {
      commandLine.addSubcommand(subcommand);
    }
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
