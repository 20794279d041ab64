package io.chainsight.core.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.config.TlsSettings.ClientAuthFailure;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each broken file the TLS settings can name gives one problem naming the key, the file and the
 * fix.
 */
class TlsMaterialChecksTest {
  private static TestPki pki;
  private static String root;
  private static String intermediate;

  @TempDir Path dir;

  @BeforeAll
  static void pki() {
    pki = TestPki.create();
    root = Certificates.subject(pki.root().certificate());
    intermediate = Certificates.subject(pki.intermediate().certificate());
  }

  private Path write(String name, HeldCertificate... certificates) throws IOException {
    StringBuilder pem = new StringBuilder();
    for (HeldCertificate certificate : certificates) {
      pem.append(certificate.certificatePem());
    }
    return Files.writeString(dir.resolve(name), pem.toString());
  }

  private Path key(HeldCertificate owner) throws IOException {
    return Files.writeString(dir.resolve("key.pem"), owner.privateKeyPem());
  }

  private static TlsSettings settings(Path chain, Path key, Path trustedCas) {
    return new TlsSettings(
        chain,
        key,
        ClientAuth.REQUIRE,
        Optional.of(trustedCas),
        List.of(),
        TlsSettings.SUPPORTED_PROTOCOLS,
        Duration.ofSeconds(10),
        ClientAuthFailure.ALERT);
  }

  private Path goodChain() throws IOException {
    return write("chain.pem", pki.server(), pki.intermediate(), pki.root());
  }

  private Path goodCas() throws IOException {
    return write("cas.pem", pki.intermediate(), pki.root());
  }

  private static List<String> problems(TlsSettings settings) {
    try {
      TlsMaterial.load(settings);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void aGoodChainKeyAndBundleLoad() throws Exception {
    TlsMaterial material = TlsMaterial.load(settings(goodChain(), key(pki.server()), goodCas()));

    assertThat(material.chain())
        .containsExactly(
            pki.server().certificate(), pki.intermediate().certificate(), pki.root().certificate());
    assertThat(material.leaf()).isEqualTo(pki.server().certificate());
    assertThat(material.trustAnchors()).hasSize(2);
  }

  @Test
  void aMissingPemFileNamesTheKeyAndPath() throws IOException {
    Path missing = dir.resolve("missing-chain.pem");

    assertThat(problems(settings(missing, key(pki.server()), goodCas())))
        .containsExactly(
            "tls.certificate-chain: "
                + missing
                + " does not exist (expected: a PEM file; check the path and that the "
                + "process can read it)");
  }

  @Test
  void aKeyThatDoesNotMatchTheLeafIsNamed() throws IOException {
    Path chain = goodChain();
    Path otherKey = key(pki.agent("agent-1").build());

    assertThat(problems(settings(chain, otherKey, goodCas())))
        .singleElement()
        .asString()
        .startsWith(
            "tls.private-key: "
                + otherKey
                + " does not match the leaf certificate in "
                + chain
                + " (CN=registrar.keylime.test, SHA-256 "
                + Certificates.sha256(pki.server().certificate())
                + ")")
        .contains("openssl pkey -pubout");
  }

  @Test
  void aChainInTheWrongOrderIsOneProblemGivingTheRightOrder() throws IOException {
    Path chain = write("chain.pem", pki.root(), pki.intermediate(), pki.server());

    assertThat(problems(settings(chain, key(pki.server()), goodCas())))
        .containsExactly(
            "tls.certificate-chain: "
                + chain
                + ": the certificates are out of order (found: "
                + root
                + ", then "
                + intermediate
                + ", then "
                + "CN=registrar.keylime.test; expected: leaf first, then each issuer in turn: CN=registrar.keylime.test, "
                + "then "
                + intermediate
                + ", then "
                + root
                + "; "
                + "reorder the PEM blocks)");
  }

  @Test
  void aMissingIntermediateIsNamed() throws IOException {
    Path chain = write("chain.pem", pki.server(), pki.root());

    assertThat(problems(settings(chain, key(pki.server()), goodCas())))
        .containsExactly(
            "tls.certificate-chain: "
                + chain
                + ": certificate 1 (CN=registrar.keylime.test) is issued by "
                + intermediate
                + ", which is not in the file; certificate 2 is "
                + root
                + " (expected: each certificate "
                + "followed by its issuer; add the "
                + intermediate
                + " certificate after certificate 1)");
  }

  @Test
  void anIntermediateFromARegeneratedCaIsNamed() throws IOException {
    HeldCertificate regenerated =
        HeldCertificate.builder()
            .subject("CN=test intermediate CA,O=chainsight tests")
            .certificateAuthority(0)
            .signedBy(pki.root())
            .build();
    Path chain = write("chain.pem", pki.server(), regenerated, pki.root());

    assertThat(problems(settings(chain, key(pki.server()), goodCas())))
        .singleElement()
        .asString()
        .startsWith(
            "tls.certificate-chain: "
                + chain
                + ": certificate 1 (CN=registrar.keylime.test) names "
                + intermediate
                + " as issuer, but its signature does not verify with "
                + "certificate 2's key");
  }

  @Test
  void anEmptyTrustBundleIsRefused() throws IOException {
    Path empty = Files.writeString(dir.resolve("cas.pem"), "");

    assertThat(problems(settings(goodChain(), key(pki.server()), empty)))
        .containsExactly(
            "tls.trusted-cas: "
                + empty
                + " holds 0 certificates (expected: at least one -----BEGIN CERTIFICATE----- "
                + "block)");
  }

  @Test
  void aTrustBundleHoldingAKeyIsRefused() throws IOException {
    Path notCertificates = Files.writeString(dir.resolve("cas.pem"), pki.root().privateKeyPem());

    assertThat(problems(settings(goodChain(), key(pki.server()), notCertificates)))
        .containsExactly(
            "tls.trusted-cas: "
                + notCertificates
                + ": PEM block 1 is a private key (expected: CERTIFICATE)");
  }
}
