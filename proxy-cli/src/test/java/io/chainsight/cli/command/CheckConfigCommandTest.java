package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.cli.Main;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chainsight check-config} run as a user would, one scenario per test: exit code, stdout,
 * stderr.
 */
class CheckConfigCommandTest {
  private static final String TLS =
      "chainsight.tls { certificate-chain = server-chain.pem, "
          + "private-key = server-key.pem, trusted-cas = trusted-cas.pem }\n";

  private static TestPki pki;

  @TempDir Path dir;
  private Path conf;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void pki() {
    pki = TestPki.create();
  }

  @BeforeEach
  void serverFiles() {
    pki.writeServerFiles(dir);
    conf = dir.resolve("chainsight.conf");
  }

  private int checkConfig(String content) throws IOException {
    Files.writeString(conf, content);
    return run("check-config", "-c", conf.toString());
  }

  private int run(String... args) {
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private String[] errLines() {
    return err.toString().split("\n");
  }

  @Test
  void aLeafServedWithoutItsIntermediateIsAWarningLineAndStillExitsZero() throws IOException {
    Path leafOnly = Files.writeString(dir.resolve("leaf-only.pem"), pki.server().certificatePem());

    int exit =
        checkConfig(
            "chainsight.tls { certificate-chain = leaf-only.pem, "
                + "private-key = server-key.pem, trusted-cas = trusted-cas.pem }\n"
                + "chainsight.listen { host = 127.0.0.1, port = 8443 }\n");

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("chainsight check-config: " + conf + " is valid\n");
    String intermediate = Certificates.subject(pki.intermediate().certificate());
    assertThat(errLines())
        .containsExactly(
            "warning: tls.certificate-chain: "
                + leafOnly
                + ": the chain is the leaf alone: its issuer "
                + intermediate
                + " (key id "
                + Certificates.subjectKeyId(pki.intermediate().certificate())
                + "), an intermediate CA (it is in tls.trusted-cas), is not sent. Clients that trust"
                + " only the root fail with OpenSSL error 20 (unable to get local issuer"
                + " certificate), and a client that reads only the first PEM block of its CA file"
                + " (rust-keylime's registrar_tls_ca_cert) fails whatever that file holds: with the"
                + " intermediate first, error 2 (unable to get issuer certificate); with the root"
                + " first, error 20. The server must send the intermediate: add "
                + intermediate
                + " to tls.certificate-chain right after the leaf (leaf, intermediate, then"
                + " optionally the root)");
  }

  @Test
  void aGoodConfigPrintsASummaryAndExitsZero() throws IOException {
    int exit = checkConfig(TLS + "chainsight.listen { host = 127.0.0.1, port = 8443 }\n");

    assertThat(exit).isZero();
    assertThat(err.toString()).isEmpty();
    String intermediate = Certificates.subject(pki.intermediate().certificate());
    String root = Certificates.subject(pki.root().certificate());
    assertThat(out.toString())
        .startsWith("chainsight check-config: " + conf + " is valid\n")
        .contains("  listen         127.0.0.1:8443\n")
        .contains("  backend        http://127.0.0.1:8890\n")
        .contains("  client-auth    require\n")
        .contains("  admin          127.0.0.1:9901\n")
        .contains("  served chain   " + dir.resolve("server-chain.pem") + "\n")
        .contains(
            "    1. subject=CN=registrar.keylime.test  issuer="
                + intermediate
                + "  notAfter="
                + pki.server().certificate().getNotAfter().toInstant()
                + "\n")
        .contains("    2. subject=" + intermediate + "  issuer=" + root + "  notAfter=")
        .contains("    3. subject=" + root + "  issuer=" + root + "  notAfter=")
        .contains("  trust anchors  2 from " + dir.resolve("trusted-cas.pem") + "\n");
  }

  @Test
  void aWrongTypeIsOneErrorNamingTheKeyAndLine() throws IOException {
    int exit = checkConfig(TLS + "chainsight.listen.port = \"abc\"\n");

    assertThat(exit).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(errLines())
        .containsExactly(
            "error: listen.port: \"abc\" (expected: an integer, e.g. 8443), at " + conf + ":2",
            "chainsight check-config: 1 problem in " + conf);
  }

  @Test
  void anUnknownKeyIsAnErrorWithASuggestion() throws IOException {
    int exit = checkConfig(TLS + "chainsight.tls.client_auth = none\n");

    assertThat(exit).isEqualTo(2);
    assertThat(errLines())
        .containsExactly(
            "error: tls.client_auth: unknown key (did you mean tls.client-auth?), at "
                + conf
                + ":2",
            "chainsight check-config: 1 problem in " + conf);
  }

  @Test
  void aMissingConfigFileIsAnError() {
    Path missing = dir.resolve("absent.conf");

    int exit = run("check-config", "--config", missing.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(errLines())
        .containsExactly(
            "error: "
                + missing
                + " does not exist (expected: a HOCON config file; check the path given with "
                + "-c/--config or CHAINSIGHT_CONFIG)",
            "chainsight check-config: 1 problem in " + missing);
  }

  @Test
  void aMissingPemFileIsAnErrorNamingTheKey() throws IOException {
    int exit = checkConfig(TLS + "chainsight.tls.trusted-cas = \"cas/agents.pem\"\n");

    assertThat(exit).isEqualTo(2);
    assertThat(errLines())
        .containsExactly(
            "error: tls.trusted-cas: "
                + dir.resolve("cas/agents.pem")
                + " does not exist (expected: a PEM file; "
                + "check the path and that the process can read it)",
            "chainsight check-config: 1 problem in " + conf);
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsAnError() throws IOException {
    HeldCertificate agent = pki.agent("agent-1").build();
    Files.writeString(dir.resolve("server-key.pem"), agent.privateKeyPem());

    int exit = checkConfig(TLS);

    assertThat(exit).isEqualTo(2);
    assertThat(errLines()).hasSize(2);
    assertThat(errLines()[0])
        .startsWith(
            "error: tls.private-key: "
                + dir.resolve("server-key.pem")
                + " does not match the leaf certificate in "
                + dir.resolve("server-chain.pem"));
  }

  @Test
  void aChainInTheWrongOrderIsAnError() throws IOException {
    Files.writeString(
        dir.resolve("server-chain.pem"),
        pki.intermediate().certificatePem()
            + pki.server().certificatePem()
            + pki.root().certificatePem());

    int exit = checkConfig(TLS);

    assertThat(exit).isEqualTo(2);
    assertThat(errLines()).hasSize(2);
    assertThat(errLines()[0])
        .startsWith(
            "error: tls.certificate-chain: "
                + dir.resolve("server-chain.pem")
                + ": the certificates are out of order");
  }

  @Test
  void everyProblemIsListedAndCounted() throws IOException {
    int exit =
        checkConfig(
            "chainsight {\n  listen.port = abc\n  tls.client-auth = none\n  admin.prot = 1\n}\n");

    assertThat(exit).isEqualTo(2);
    assertThat(errLines()).hasSize(5).endsWith("chainsight check-config: 4 problems in " + conf);
    assertThat(errLines())
        .allMatch(line -> line.startsWith("error: ") || line.startsWith("chainsight "));
  }

  @Test
  void theKeylimePresetPassesAndItsRoutesAreSummarized() {
    Path preset = Path.of("..", "config", "keylime-registrar.conf").toAbsolutePath().normalize();

    int exit = run("check-config", "-c", preset.toString());

    assertThat(err.toString()).isEmpty();
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains(
            "  client-auth    require; optional on /version GET, /v*/agents POST|PUT, /v3*/ GET\n")
        .contains("  access.allow   any verified certificate\n")
        .contains(
            "  routes         4\n"
                + "    0. /version GET -> http://127.0.0.1:8890  client-auth optional, global access.allow\n"
                + "    1. /v*/agents POST|PUT -> http://127.0.0.1:8890  client-auth optional, global access.allow\n"
                + "    2. /v*/agents GET|DELETE -> https://127.0.0.1:8891  client-auth require, 1 rule\n"
                + "    3. /v3*/ GET -> http://127.0.0.1:8890  client-auth optional, global access.allow\n");
  }

  @Test
  void aRoutesTlsFilesAreCheckedWithTheServedOnes() throws IOException {
    Path missing = dir.resolve("cv_ca/cacert.crt");

    int exit =
        checkConfig(
            TLS
                + "chainsight.routes = [ { path-prefix = /v, backend = \"https://127.0.0.1:8891\"\n"
                + "  tls { trusted-cas = \"cv_ca/cacert.crt\", certificate-chain = server-chain.pem, "
                + "private-key = server-key.pem } } ]\n");

    assertThat(exit).isEqualTo(2);
    assertThat(errLines()).hasSize(3);
    assertThat(errLines()[0])
        .isEqualTo(
            "error: routes[0].tls.trusted-cas: "
                + missing
                + " does not exist "
                + "(expected: a PEM file; check the path and that the process can read it)");
    assertThat(errLines()[1])
        .startsWith(
            "error: routes[0].tls.certificate-chain: "
                + dir.resolve("server-chain.pem")
                + ": CN=registrar.keylime.test is not a client certificate")
        .contains("or one with no extendedKeyUsage at all");
    assertThat(errLines()[2]).isEqualTo("chainsight check-config: 2 problems in " + conf);
  }

  @Test
  void theConfigFileIsTheOptionThenTheEnvironmentThenTheWorkingDirectory() throws IOException {
    Path option = Path.of("/etc/chainsight/from-option.conf");
    Map<String, String> env = Map.of("CHAINSIGHT_CONFIG", "/etc/chainsight/from-env.conf");

    assertThat(ConfigOption.locate(Optional.of(option), env, dir)).contains(option);
    assertThat(ConfigOption.locate(Optional.empty(), env, dir))
        .contains(Path.of("/etc/chainsight/from-env.conf"));
    assertThat(ConfigOption.locate(Optional.empty(), Map.of(), dir)).isEmpty();
    Files.writeString(dir.resolve("chainsight.conf"), TLS);
    assertThat(ConfigOption.locate(Optional.empty(), Map.of(), dir))
        .contains(dir.resolve("chainsight.conf"));
  }
}
