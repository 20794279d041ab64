package io.chainsight.core.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoInstructionsTest {
  @Test
  void theSuccessfulCommandIsTheOneFromTheReadme() {
    String text =
        DemoInstructions.render("certs-example", 8443, "bin/chainsight", "registrar stand-in");

    assertThat(text)
        .contains(
            "\n1. An agent with a valid certificate\n"
                + "   curl --cacert certs-example/agent-ca.pem --cert certs-example/agent-cert.pem "
                + "--key certs-example/agent-key.pem https://localhost:8443/version\n");
  }

  @Test
  void everyFailingCommandSaysWhatTheProxyLogs() {
    String text =
        DemoInstructions.render("certs-example", 8443, "bin/chainsight", "registrar stand-in");

    assertThat(text)
        .contains(
            "reason=NO_CLIENT_CERTIFICATE",
            "reason=EXPIRED",
            "reason=ISSUER_KEY_MISMATCH",
            "reason=WRONG_PURPOSE",
            "reason=SELF_SIGNED_LEAF",
            "reason=UNTRUSTED_ROOT",
            "reason=PLAINTEXT_HTTP_ON_TLS_PORT",
            "curl http://localhost:8443/version",
            "bin/chainsight probe https://localhost:8443 --ca certs-example/agent-ca-intermediate-first.pem");
  }

  @Test
  void pathsWithSpacesAreQuotedForTheShell() {
    DemoInstructions.Step step = DemoInstructions.steps("/tmp/my certs", 9443, "chainsight").get(1);

    assertThat(step.shell())
        .isEqualTo("curl --cacert '/tmp/my certs/agent-ca.pem' https://localhost:9443/version");
  }
}
