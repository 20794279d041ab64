package io.chainsight.cli.command;

import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.config.EffectiveConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code -c/--config} option that {@code run} and {@code check-config} share, and how a
 * configuration that cannot be used is explained: one {@code error: } line per problem on stderr,
 * then a count, exit code 2.
 */
public final class ConfigOption {
  /** The exit code for a configuration that cannot be used. */
  public static final int EXIT_CONFIG = 2;

  /** Read from the working directory when neither -c nor CHAINSIGHT_CONFIG names a file. */
  static final Path DEFAULT_FILE = Path.of("chainsight.conf");

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "HOCON config file (default: $"
              + ConfigLoader.CONFIG_FILE_ENV
              + ", else chainsight.conf in the working directory if present, else environment variables and "
              + "defaults only)")
  private Path file;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  /**
   * The config file to read: {@code -c}, else {@code $CHAINSIGHT_CONFIG}, else ./chainsight.conf if
   * present.
   */
  public Optional<Path> file() {
    return locate(Optional.ofNullable(file), System.getenv(), Path.of(""));
  }

  static Optional<Path> locate(
      Optional<Path> option, Map<String, String> env, Path workingDirectory) {
    if (option.isPresent()) {
      return option;
    }
    String fromEnv = env.get(ConfigLoader.CONFIG_FILE_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(Path.of(fromEnv));
    }
    Path byDefault = workingDirectory.resolve(DEFAULT_FILE);
    return Files.isRegularFile(byDefault) ? Optional.of(byDefault) : Optional.empty();
  }

  /**
   * The configuration from the file, the environment and {@code overrides}; empty once its problems
   * are printed.
   */
  public Optional<EffectiveConfig> loadOrExplain(Map<String, String> overrides) {
    try {
      return Optional.of(ConfigLoader.loadEffective(file(), System.getenv(), overrides));
    } catch (ConfigException e) {
      explain(e);
      return Optional.empty();
    }
  }

  /**
   * Prints each problem on the command's stderr as {@code error: ...}, then {@code chainsight
   * COMMAND: N problems in FILE}; returns {@link #EXIT_CONFIG}.
   */
  public int explain(ConfigException e) {
    PrintWriter err = command.commandLine().getErr();
    List<String> problems = e.problems();
    for (String problem : problems) {
      err.println("error: " + problem);
    }
    err.println(
        command.qualifiedName()
            + ": "
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " in "
            + describe());
    err.flush();
    return EXIT_CONFIG;
  }

  /** The config file's absolute path, or what stands in for it. */
  public String describe() {
    return file()
        .map(p -> p.toAbsolutePath().normalize().toString())
        .orElse("the environment and defaults (no config file)");
  }
}
