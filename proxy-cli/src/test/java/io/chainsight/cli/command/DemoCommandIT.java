package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.Command;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainsight demo} as a user runs it: the shaded jar in its own process, the printed
 * commands pasted into a shell in the same directory, then stopped the way Ctrl-C stops it (a
 * signal and the shutdown hook).
 */
class DemoCommandIT {
  private static final Path JAR = Path.of("target/chainsight.jar").toAbsolutePath();
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LISTENING =
      Pattern.compile("chainsight demo: https://localhost:(\\d+) -> (.*)");

  @TempDir Path workDir;

  private Process demo;

  @AfterEach
  void stop() throws Exception {
    if (demo != null && demo.isAlive()) {
      demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutAConfigFileGeneratesAPkiAndThePrintedAgentCommandSucceeds() throws Exception {
    String output = startDemo("--port", "0", "--backend-port", "0");

    assertThat(output)
        .contains(
            "config/demo.conf not found",
            "generated an example PKI (for testing only) in demo-work/certs",
            "(registrar stand-in)");
    String agentCommand = commandAfter(output, "1. An agent with a valid certificate");
    assertThat(agentCommand).startsWith("curl --cacert demo-work/certs/agent-ca.pem ");
    Command.Result curl =
        Command.run(List.of("bash", "-c", "cd " + workDir + " && " + agentCommand), null, 20);
    assertThat(curl.exitCode()).as(curl.stderr()).isZero();
    assertThat(curl.stdout())
        .contains(
            "\"forwarded_client_subject\": \"CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000,"
                + "O=chainsight example\"");

    Command.Result expired =
        Command.run(
            List.of(
                "bash",
                "-c",
                "cd " + workDir + " && " + commandAfter(output, "3. An expired agent certificate")),
            null,
            20);
    assertThat(expired.exitCode()).isNotZero();
    assertThat(expired.stderr()).contains("alert certificate expired");

    demo.destroy();
    assertThat(demo.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(demo.exitValue()).isEqualTo(143);
  }

  @Test
  void withTheRepositoryConfigUsesCertsExample() throws Exception {
    Path config = REPO.resolve("config/demo.conf");
    assertThat(config).isRegularFile();

    String output = startDemo("-c", config.toString(), "--port", "0", "--backend-port", "0");

    assertThat(output)
        .contains("Example PKI (for testing only): " + REPO.resolve("certs-example"))
        .doesNotContain("generated an example PKI");
    assertThat(workDir.resolve("demo-work")).doesNotExist();
    Command.Result curl =
        Command.run(
            List.of(
                "bash",
                "-c",
                "cd "
                    + workDir
                    + " && "
                    + commandAfter(output, "1. An agent with a valid certificate")),
            null,
            20);
    assertThat(curl.stdout()).startsWith("{\"code\": 200, \"status\": \"Success\"");
  }

  /** Starts the jar in {@link #workDir} and returns what it printed up to the last instruction. */
  private String startDemo(String... options) throws Exception {
    assertThat(JAR)
        .as("the shaded jar (mvn package builds it before integration tests)")
        .isRegularFile();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "demo"));
    command.addAll(List.of(options));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectError(workDir.resolve("demo.err").toFile());
    // The admin listener binds for real: a free port, so parallel runs do not fight over 9901.
    builder.environment().put("CHAINSIGHT_ADMIN_PORT", "0");
    demo = builder.start();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
    StringBuffer output = new StringBuffer();
    // Read on another thread so a demo that hangs fails the test instead of blocking it; stop()
    // kills it.
    CompletableFuture<Boolean> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String line;
                while ((line = reader.readLine()) != null) {
                  output.append(line).append('\n');
                  if (line.equals("Ctrl-C stops the demo.")) {
                    return true;
                  }
                }
                return false;
              } catch (IOException e) {
                return false;
              }
            });
    boolean started;
    try {
      started = ready.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("demo did not finish starting within 30s:\n" + output);
    }
    assertThat(started)
        .as("demo exited early:\n" + output + Files.readString(workDir.resolve("demo.err")))
        .isTrue();
    assertThat(LISTENING.matcher(output).find()).as(output.toString()).isTrue();
    return output.toString();
  }

  private static String commandAfter(String output, String title) {
    List<String> lines = output.lines().toList();
    int index = lines.indexOf(title);
    assertThat(index).as(title + " in\n" + output).isNotNegative();
    return lines.get(index + 1).strip();
  }
}
