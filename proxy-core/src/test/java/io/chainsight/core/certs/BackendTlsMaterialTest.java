package io.chainsight.core.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route's {@code tls} files: loaded as a whole, each broken one a problem naming the route's
 * setting.
 */
class BackendTlsMaterialTest {
  private static final String WHERE = "routes[2].tls";

  private static TestPki pki;
  private static HeldCertificate proxyClient;

  @TempDir Path dir;

  @BeforeAll
  static void pki() {
    pki = TestPki.create();
    proxyClient =
        HeldCertificate.builder()
            .subject("CN=chainsight-proxy")
            .signedBy(pki.intermediate())
            .purpose(Purpose.CLIENT_AUTH)
            .build();
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private Path rootCa() throws IOException {
    return write("registrar-ca.pem", pki.root().certificatePem());
  }

  private Path chain(HeldCertificate leaf) throws IOException {
    return write("client-cert.pem", leaf.certificatePem() + pki.intermediate().certificatePem());
  }

  private Path key(HeldCertificate owner) throws IOException {
    return write("client-key.pem", owner.privateKeyPem());
  }

  private static BackendTlsSettings settings(Path chain, Path key, Path trustedCas) {
    return new BackendTlsSettings(
        Optional.ofNullable(chain), Optional.ofNullable(key), trustedCas, Optional.empty());
  }

  private static List<String> problems(BackendTlsSettings settings) {
    try {
      BackendTlsMaterial.load(WHERE, settings);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void trustAloneIsEnoughWhenTheRouteHasNoClientCertificate() throws Exception {
    BackendTlsMaterial material = BackendTlsMaterial.load(WHERE, settings(null, null, rootCa()));

    assertThat(material.trustAnchors()).containsExactly(pki.root().certificate());
    assertThat(material.chain()).isEmpty();
    assertThat(material.privateKey()).isEmpty();
    assertThat(material.leaf()).isEmpty();
  }

  @Test
  void aClientCertificateLoadsWithItsChainAndKey() throws Exception {
    BackendTlsMaterial material =
        BackendTlsMaterial.load(WHERE, settings(chain(proxyClient), key(proxyClient), rootCa()));

    assertThat(material.chain())
        .hasValue(List.of(proxyClient.certificate(), pki.intermediate().certificate()));
    assertThat(material.leaf()).contains(proxyClient.certificate());
    assertThat(material.privateKey()).isPresent();
  }

  @Test
  void aMissingTrustFileNamesTheRoutesSetting() {
    Path missing = dir.resolve("cv_ca/cacert.crt");

    assertThat(problems(settings(null, null, missing)))
        .containsExactly(
            WHERE
                + ".trusted-cas: "
                + missing
                + " does not exist (expected: a PEM file; check the path and that the process can read it)");
  }

  @Test
  void aServerCertificateReusedAsTheClientCertificateIsRefused() throws Exception {
    Path chain = chain(pki.server());

    assertThat(problems(settings(chain, key(pki.server()), rootCa())))
        .containsExactly(
            WHERE
                + ".certificate-chain: "
                + chain
                + ": CN=registrar.keylime.test is not a client certificate: its "
                + "extendedKeyUsage is serverAuth without clientAuth, so the backend would refuse it (OpenSSL error 26, "
                + "unsupported certificate purpose) (expected: a certificate for chainsight to present whose "
                + "extendedKeyUsage includes clientAuth, or one with no extendedKeyUsage at all, as Keylime's own CA "
                + "tooling issues them; a server certificate serves only if it has both serverAuth and clientAuth)");
  }

  @Test
  void aCertificateWithoutExtendedKeyUsageMayBePresented() throws Exception {
    HeldCertificate anyPurpose =
        HeldCertificate.builder()
            .subject("CN=chainsight-proxy")
            .signedBy(pki.intermediate())
            .build();

    assertThat(
            BackendTlsMaterial.load(WHERE, settings(chain(anyPurpose), key(anyPurpose), rootCa()))
                .leaf())
        .contains(anyPurpose.certificate());
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
    Path chain = chain(proxyClient);
    Path key = key(pki.server());

    assertThat(problems(settings(chain, key, rootCa())))
        .singleElement()
        .asString()
        .startsWith(
            WHERE
                + ".private-key: "
                + key
                + " does not match the leaf certificate in "
                + chain
                + " (CN=chainsight-proxy, SHA-256 ");
  }

  @Test
  void aChainOutOfOrderIsRefused() throws Exception {
    Path chain =
        write(
            "client-cert.pem", pki.intermediate().certificatePem() + proxyClient.certificatePem());

    assertThat(problems(settings(chain, key(proxyClient), rootCa())))
        .singleElement()
        .asString()
        .startsWith(WHERE + ".certificate-chain: " + chain + ": the certificates are out of order");
  }
}
