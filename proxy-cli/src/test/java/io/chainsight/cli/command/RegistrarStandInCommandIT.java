package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.Command;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code chainsight registrar-stand-in} as the compose stand-in file and docker/test run it: its
 * own process, any address, curl as the client, SIGTERM to stop.
 */
class RegistrarStandInCommandIT {
  private static final Path JAR = Path.of("target/chainsight.jar").toAbsolutePath();
  private static final Pattern LISTENING =
      Pattern.compile("Keylime registrar stand-in on http://([^:]+):(\\d+) ");

  private Process standIn;

  @AfterEach
  void stop() throws Exception {
    if (standIn != null && standIn.isAlive()) {
      standIn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void answersVersionOnEveryInterfaceAndExitsZeroOnSigterm() throws Exception {
    standIn =
        new ProcessBuilder(
                "java",
                "-jar",
                JAR.toString(),
                "registrar-stand-in",
                "--host",
                "0.0.0.0",
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    String line =
        new BufferedReader(new InputStreamReader(standIn.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    Matcher listening = LISTENING.matcher(String.valueOf(line));
    assertThat(listening.find()).as(line).isTrue();
    assertThat(listening.group(1)).isEqualTo("0.0.0.0");

    Command.Result version =
        Command.run(
            List.of(
                "curl",
                "-sS",
                "-w",
                "\n%{http_code}",
                "http://127.0.0.1:" + listening.group(2) + "/version"),
            null,
            20);
    assertThat(version.exitCode()).as(version.stderr()).isZero();
    assertThat(version.stdout()).contains("\"current_version\"").endsWith("\n200");

    standIn.destroy(); // SIGTERM
    assertThat(standIn.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(standIn.exitValue()).isZero();
  }

  @Test
  void aTakenPortIsNamedWithTheFix() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Command.Result result =
          Command.run(
              List.of(
                  "java",
                  "-jar",
                  JAR.toString(),
                  "registrar-stand-in",
                  "--port",
                  String.valueOf(taken.getLocalPort())),
              null,
              30);

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr())
          .startsWith(
              "chainsight registrar-stand-in: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("(expected: a free port; pass --port)");
    }
  }
}
