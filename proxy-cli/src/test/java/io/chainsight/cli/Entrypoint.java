package io.chainsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docker/entrypoint.sh} started as the image starts it, outside Docker: the shaded jar from
 * {@code mvn package}, and an environment that holds only what the test sets (no CHAINSIGHT_* or
 * JAVA_OPTS leaks in from the machine running the build).
 */
public final class Entrypoint {
  public static final Path SCRIPT = Path.of("../docker/entrypoint.sh").toAbsolutePath().normalize();
  public static final Path JAR = Path.of("target/chainsight.jar").toAbsolutePath();

  private final Map<String, String> env = new LinkedHashMap<>();
  private final Path workDir;

  private Entrypoint(Path workDir) {
    this.workDir = workDir;
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("CHAINSIGHT_JAR", JAR.toString());
    // Where the image looks for chainsight.conf; empty unless a test writes one there.
    env.put("CHAINSIGHT_CONFIG_DIR", workDir.resolve("etc-chainsight").toString());
  }

  /** An entrypoint that runs in {@code workDir} (relative paths resolve there). */
  public static Entrypoint in(Path workDir) {
    assertThat(SCRIPT).as("docker/entrypoint.sh").isExecutable();
    assertThat(JAR)
        .as("the shaded jar (mvn package builds it before integration tests)")
        .isRegularFile();
    return new Entrypoint(workDir);
  }

  public Entrypoint env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public Path configDir() {
    return Path.of(env.get("CHAINSIGHT_CONFIG_DIR"));
  }

  /** Runs to completion: for check-config, healthcheck and refusals to start. */
  public Command.Result run(String... args) {
    List<String> command = new ArrayList<>(List.of("env", "-i", "-C", workDir.toString()));
    env.forEach((name, value) -> command.add(name + "=" + value));
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    return Command.run(command, null, 60);
  }

  /** Starts it in the background with stderr going to a file, which {@link Running} reads. */
  public Running start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile(workDir, "entrypoint", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    return new Running(builder.start(), stderr);
  }

  /**
   * A started entrypoint: the process (the JVM itself once the script has exec'd) and its stderr so
   * far.
   */
  public static final class Running implements AutoCloseable {
    private static final Pattern LISTENING =
        Pattern.compile("chainsight listening on https://\\S+:(\\d+) ");

    private final Process process;
    private final Path stderr;

    Running(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
    }

    public Process process() {
      return process;
    }

    public String stderr() throws IOException {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Waits for the startup line and returns the TLS port it names. */
    public int awaitListening(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Matcher matcher = LISTENING.matcher(stderr());
        if (matcher.find()) {
          return Integer.parseInt(matcher.group(1));
        }
        if (!process.isAlive()) {
          throw new AssertionError(
              "exited with " + process.exitValue() + " before listening:\n" + stderr());
        }
        Thread.sleep(50);
      }
      throw new AssertionError("not listening within " + timeout + ":\n" + stderr());
    }

    /** Sends SIGTERM (what docker stop sends) and returns the exit code. */
    public int terminate(Duration timeout) throws Exception {
      process.destroy();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running " + timeout + " after SIGTERM:\n" + stderr());
      }
      return process.exitValue();
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
