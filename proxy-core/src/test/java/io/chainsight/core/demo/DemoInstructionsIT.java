package io.chainsight.core.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.proxy.ChainsightServer;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every curl command the demo prints, as printed, against the proxy with the example PKI in
 * front of the registrar stand-in: the one said to succeed succeeds and shows the agent's identity,
 * the others fail the way their line says.
 */
class DemoInstructionsIT {
  @TempDir static Path certs;

  private static RegistrarStandIn standIn;
  private static ChainsightServer proxy;
  private static List<DemoInstructions.Step> steps;

  @BeforeAll
  static void start() throws Exception {
    ExamplePki.generate(certs, Instant.now());
    standIn = RegistrarStandIn.start(0);
    proxy =
        ChainsightServer.start(
            TestConfig.serving(
                    new TestPki.ServerFiles(
                        ExamplePkiFile.REGISTRAR_CHAIN.in(certs),
                        ExamplePkiFile.REGISTRAR_KEY.in(certs),
                        ExamplePkiFile.TRUSTED_CAS.in(certs),
                        ExamplePkiFile.ROOT_CA.in(certs)))
                .backendPort(standIn.port())
                .responseTimeout(Duration.ofSeconds(10))
                .build());
    steps =
        DemoInstructions.steps(certs.toString(), proxy.tlsAddress().getPort(), "bin/chainsight");
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (standIn != null) {
      standIn.close();
    }
  }

  @Test
  void theAgentCommandSucceedsAndShowsTheForwardedIdentity() {
    DemoInstructions.Step step = steps.get(0);

    Command.Result result = curl(step);

    assertThat(step.expectedStatus()).isEqualTo(200);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .startsWith(
            "{\"code\": 200, \"status\": \"Success\", \"results\": "
                + "{\"current_version\": \"2.5\"")
        .contains(
            "\"forwarded_client_subject\": \"CN="
                + ExamplePki.AGENT_UUID
                + ",O=chainsight example\"")
        .endsWith("\n200");
  }

  @Test
  void everyCommandSaidToFailTheHandshakeFailsIt() {
    List<String> ran = new ArrayList<>();
    for (DemoInstructions.Step step : steps) {
      if (step.command().get(0).equals("curl") && step.expectedStatus() == 0) {
        Command.Result result = curl(step);
        assertThat(result.exitCode()).as(step.title() + ": " + result.stdout()).isNotZero();
        assertThat(result.stdout()).as(step.title()).isEqualTo("000");
        ran.add(step.title());
      }
    }
    assertThat(ran).hasSize(6);
  }

  @Test
  void plainHttpToTheTlsPortGets400() {
    DemoInstructions.Step step =
        steps.stream().filter(s -> s.expectedStatus() == 400).findFirst().orElseThrow();

    Command.Result result = curl(step);

    assertThat(result.stdout()).contains("use https://").endsWith("\n400");
  }

  @Test
  void theIntermediateFirstCaFileIsOnlyShownWithProbeBecauseCurlPassesWithIt() {
    DemoInstructions.Step probe = steps.get(steps.size() - 1);
    List<String> curlWithTrap =
        List.of(
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--cacert",
            probe.command().get(4),
            "--cert",
            probe.command().get(6),
            "--key",
            probe.command().get(8),
            "https://localhost:" + proxy.tlsAddress().getPort() + "/version");

    assertThat(probe.command()).startsWith("bin/chainsight", "probe");
    assertThat(probe.command().get(4)).endsWith("agent-ca-intermediate-first.pem");
    assertThat(Command.run(curlWithTrap, null, 20).stdout()).isEqualTo("200");
  }

  /** The printed command, with -sS and the status code appended to its output. */
  private static Command.Result curl(DemoInstructions.Step step) {
    List<String> command = new ArrayList<>(step.command());
    command.addAll(
        1, List.of("-sS", "-w", (step.expectedStatus() == 0 ? "" : "\n") + "%{http_code}"));
    return Command.run(command, null, 20);
  }
}
