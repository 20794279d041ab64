package io.chainsight.core.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.config.TlsSettings.ClientAuthFailure;
import java.io.ByteArrayInputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example PKI as written to disk, checked with the JDK's own PKIX validator (not Bouncy Castle,
 * which made it): the good chains validate, and each broken agent fails for its one defect and
 * validates once that defect is taken away.
 */
class ExamplePkiTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir static Path dir;

  static ExamplePki pki;

  @BeforeAll
  static void generate() throws Exception {
    pki = ExamplePki.generate(dir, NOW);
  }

  @Test
  void writesEveryFileOfTheLayoutWithKeysReadableByTheOwnerOnly() throws Exception {
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      Path path = file.in(dir);
      assertThat(path).isRegularFile();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
          .as(file.path())
          .isEqualTo(file.secret() ? "rw-------" : "rw-r--r--");
    }
    assertThat(dir.resolve("broken/agent-expired-key.pem")).isRegularFile();
  }

  @Test
  void registrarChainIsLeafIntermediateRootAndValidatesForTheRegistrarNames() throws Exception {
    List<X509Certificate> chain = read(ExamplePkiFile.REGISTRAR_CHAIN);

    assertThat(chain)
        .extracting(Certificates::subject)
        .containsExactly(
            ExamplePki.REGISTRAR_SUBJECT, ExamplePki.INTERMEDIATE_SUBJECT, ExamplePki.ROOT_SUBJECT);
    validate(chain.subList(0, 2), only(read(ExamplePkiFile.AGENT_CA)), NOW);
    X509Certificate leaf = chain.get(0);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(Certificates.dnsNames(leaf)).containsExactly("localhost", "registrar.keylime.test");
    assertThat(Certificates.ipAddresses(leaf)).containsExactly("127.0.0.1");
    assertThat(chain.get(1).getBasicConstraints()).isZero();
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void registrarFilesLoadAsServedTlsMaterial() throws Exception {
    TlsSettings settings =
        new TlsSettings(
            ExamplePkiFile.REGISTRAR_CHAIN.in(dir),
            ExamplePkiFile.REGISTRAR_KEY.in(dir),
            ClientAuth.REQUIRE,
            Optional.of(ExamplePkiFile.TRUSTED_CAS.in(dir)),
            List.of(),
            List.of("TLSv1.3", "TLSv1.2"),
            Duration.ofSeconds(10),
            ClientAuthFailure.ALERT);

    TlsMaterial material = TlsMaterial.load(settings);

    assertThat(material.chain()).hasSize(3);
    assertThat(material.trustAnchors())
        .extracting(Certificates::subject)
        .containsExactly(ExamplePki.INTERMEDIATE_SUBJECT, ExamplePki.ROOT_SUBJECT);
  }

  @Test
  void agentCertificateIsAClientCertificateNamedByItsUuidAndValidatesToTheRoot() throws Exception {
    List<X509Certificate> agent = read(ExamplePkiFile.AGENT_CERT);

    assertThat(agent)
        .extracting(Certificates::subject)
        .containsExactly(
            "CN=" + ExamplePki.AGENT_UUID + ",O=chainsight example",
            ExamplePki.INTERMEDIATE_SUBJECT);
    validate(agent, only(read(ExamplePkiFile.AGENT_CA)), NOW);
    assertThat(agent.get(0).getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(Certificates.dnsNames(agent.get(0))).containsExactly("agent.keylime.test");
    assertThat(keyMatches(ExamplePkiFile.AGENT_KEY, agent.get(0))).isTrue();
  }

  @Test
  void tenantCertificateIsAClientCertificateWithItsSpiffeIdAndValidatesToTheRoot()
      throws Exception {
    List<X509Certificate> tenant = read(ExamplePkiFile.TENANT_CERT);

    assertThat(tenant)
        .extracting(Certificates::subject)
        .containsExactly(ExamplePki.TENANT_SUBJECT, ExamplePki.INTERMEDIATE_SUBJECT);
    validate(tenant, only(read(ExamplePkiFile.AGENT_CA)), NOW);
    assertThat(tenant.get(0).getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(Certificates.uris(tenant.get(0)))
        .containsExactly("spiffe://keylime.example/tenant/admin");
    assertThat(keyMatches(ExamplePkiFile.TENANT_KEY, tenant.get(0))).isTrue();
  }

  @Test
  void proxyClientCertificateIsWhatTheRegistrarCertificateCannotBeAClientCertificate()
      throws Exception {
    List<X509Certificate> proxyClient = read(ExamplePkiFile.PROXY_CLIENT_CERT);

    assertThat(proxyClient)
        .extracting(Certificates::subject)
        .containsExactly(ExamplePki.PROXY_CLIENT_SUBJECT, ExamplePki.INTERMEDIATE_SUBJECT);
    validate(proxyClient, only(read(ExamplePkiFile.AGENT_CA)), NOW);
    assertThat(proxyClient.get(0).getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(read(ExamplePkiFile.REGISTRAR_CHAIN).get(0).getExtendedKeyUsage())
        .doesNotContain(CLIENT_AUTH);
    assertThat(keyMatches(ExamplePkiFile.PROXY_CLIENT_KEY, proxyClient.get(0))).isTrue();
  }

  @Test
  void leavesLastTwoYearsIntermediateFiveRootTen() throws Exception {
    assertThat(notAfter(ExamplePkiFile.AGENT_CERT))
        .isEqualTo(Instant.parse("2028-03-01T12:00:00Z"));
    assertThat(notAfter(ExamplePkiFile.REGISTRAR_CHAIN))
        .isEqualTo(Instant.parse("2028-03-01T12:00:00Z"));
    assertThat(notAfter(ExamplePkiFile.INTERMEDIATE_CA))
        .isEqualTo(Instant.parse("2031-03-01T12:00:00Z"));
    assertThat(notAfter(ExamplePkiFile.ROOT_CA)).isEqualTo(Instant.parse("2036-03-01T12:00:00Z"));
  }

  @Test
  void caFilesHoldTheRootAloneForAgentsAndIntermediateThenRootElsewhere() throws Exception {
    assertThat(read(ExamplePkiFile.AGENT_CA))
        .extracting(Certificates::subject)
        .containsExactly(ExamplePki.ROOT_SUBJECT);
    assertThat(read(ExamplePkiFile.AGENT_CA_INTERMEDIATE_FIRST))
        .extracting(Certificates::subject)
        .containsExactly(ExamplePki.INTERMEDIATE_SUBJECT, ExamplePki.ROOT_SUBJECT);
    assertThat(read(ExamplePkiFile.TRUSTED_CAS))
        .extracting(Certificates::subject)
        .containsExactly(ExamplePki.INTERMEDIATE_SUBJECT, ExamplePki.ROOT_SUBJECT);
    assertThat(read(ExamplePkiFile.ROOT_CA)).isEqualTo(read(ExamplePkiFile.AGENT_CA));
  }

  @Test
  void everyKeyFileIsPkcs8AndMatchesItsCertificate() throws Exception {
    assertThat(Files.readString(ExamplePkiFile.ROOT_CA_KEY.in(dir)))
        .startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(keyMatches(ExamplePkiFile.ROOT_CA_KEY, read(ExamplePkiFile.ROOT_CA).get(0)))
        .isTrue();
    assertThat(
            keyMatches(
                ExamplePkiFile.INTERMEDIATE_CA_KEY, read(ExamplePkiFile.INTERMEDIATE_CA).get(0)))
        .isTrue();
    assertThat(
            keyMatches(ExamplePkiFile.REGISTRAR_KEY, read(ExamplePkiFile.REGISTRAR_CHAIN).get(0)))
        .isTrue();
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      if (file.path().startsWith("broken/") && file.path().endsWith("-cert.pem")) {
        ExamplePkiFile key = ExamplePkiFile.valueOf(file.name().replace("_CERT", "_KEY"));
        assertThat(keyMatches(key, read(file).get(0))).as(key.path()).isTrue();
      }
    }
  }

  @Test
  void expiredAgentFailsOnlyForItsDates() throws Exception {
    List<X509Certificate> expired = read(ExamplePkiFile.EXPIRED_AGENT_CERT);
    TrustAnchor root = only(read(ExamplePkiFile.AGENT_CA));

    assertThat(failure(expired, root, NOW).getReason()).isEqualTo(BasicReason.EXPIRED);
    assertThat(expired.get(0).getNotAfter().toInstant()).isEqualTo(NOW.minus(Duration.ofDays(1)));
    validate(expired, root, NOW.minus(Duration.ofDays(2)));
    assertThat(expired.get(0).getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
  }

  @Test
  void wrongKeyCaAgentNamesOurIntermediateButWasSignedByAnotherKey() throws Exception {
    List<X509Certificate> agent = read(ExamplePkiFile.WRONG_KEY_CA_AGENT_CERT);
    X509Certificate intermediate = read(ExamplePkiFile.INTERMEDIATE_CA).get(0);
    X509Certificate leaf = agent.get(0);

    assertThat(agent).hasSize(1);
    assertThat(Certificates.issuer(leaf)).isEqualTo(Certificates.subject(intermediate));
    assertThat(Certificates.authorityKeyId(leaf))
        .isNotEqualTo(Certificates.subjectKeyId(intermediate));
    assertThat(
            failure(List.of(leaf, intermediate), only(read(ExamplePkiFile.AGENT_CA)), NOW)
                .getReason())
        .isEqualTo(BasicReason.INVALID_SIGNATURE);
    X509Certificate lookAlike = pki.lookAlikeIntermediate().certificate();
    assertThat(Certificates.authorityKeyId(leaf)).isEqualTo(Certificates.subjectKeyId(lookAlike));
    validate(List.of(leaf), new TrustAnchor(lookAlike, null), NOW);
  }

  @Test
  void serverOnlyAgentChainsFineButLacksClientAuth() throws Exception {
    List<X509Certificate> agent = read(ExamplePkiFile.SERVER_ONLY_AGENT_CERT);

    validate(agent, only(read(ExamplePkiFile.AGENT_CA)), NOW);
    assertThat(agent.get(0).getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
  }

  @Test
  void selfSignedAgentIsItsOwnIssuerAndNotACa() throws Exception {
    List<X509Certificate> agent = read(ExamplePkiFile.SELF_SIGNED_AGENT_CERT);
    X509Certificate leaf = agent.get(0);

    assertThat(agent).hasSize(1);
    assertThat(Certificates.isSelfIssued(leaf)).isTrue();
    leaf.verify(leaf.getPublicKey());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(failure(agent, only(read(ExamplePkiFile.AGENT_CA)), NOW).getReason())
        .isEqualTo(PKIXReason.NO_TRUST_ANCHOR);
  }

  @Test
  void unrelatedCaAgentValidatesOnlyAgainstItsOwnRoot() throws Exception {
    List<X509Certificate> agent = read(ExamplePkiFile.UNRELATED_CA_AGENT_CERT);

    assertThat(agent)
        .extracting(Certificates::subject)
        .containsExactly(
            "CN=" + ExamplePki.UNRELATED_CA_AGENT_UUID + ",O=chainsight example",
            ExamplePki.UNRELATED_CA_SUBJECT);
    assertThat(failure(agent.subList(0, 1), only(read(ExamplePkiFile.AGENT_CA)), NOW).getReason())
        .isEqualTo(PKIXReason.NO_TRUST_ANCHOR);
    validate(agent.subList(0, 1), new TrustAnchor(agent.get(1), null), NOW);
    assertThat(agent.get(0).getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
  }

  @Test
  void brokenAgentsTellWhichOneConnectedByTheirCn() throws Exception {
    List<String> subjects = new ArrayList<>();
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      if (file.path().startsWith("broken/") && file.path().endsWith("-cert.pem")) {
        subjects.add(Certificates.subject(read(file).get(0)));
      }
    }
    assertThat(subjects)
        .doesNotHaveDuplicates()
        .hasSize(5)
        .allMatch(s -> s.startsWith("CN=d432fbb3-d2f1-4a97-9ef7-75bd81c0000"));
  }

  @Test
  void readmeSaysTestingOnlyDescribesEveryFileAndHowToRegenerate() throws Exception {
    String readme = Files.readString(ExamplePkiFile.README.in(dir));

    assertThat(readme)
        .contains(
            "FOR TESTING ONLY",
            "bin/chainsight pki init certs-example --force",
            "Generated 2026-03-01T12:00:00Z",
            "valid until 2028-03-01");
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      assertThat(readme).contains("`" + file.path() + "`");
    }
  }

  @Test
  void generateRefusesToOverwriteAndNamesTheFile(@TempDir Path other) throws Exception {
    Files.writeString(other.resolve("agent-key.pem"), "mine");

    assertThatThrownBy(() -> ExamplePki.generate(other, NOW))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(other.resolve("agent-key.pem").toString());
    assertThat(Files.readString(other.resolve("agent-key.pem"))).isEqualTo("mine");
    assertThat(other.resolve("root-ca.pem")).doesNotExist();
  }

  @Test
  void writeToWithOverwriteReplacesEveryFile(@TempDir Path other) throws Exception {
    ExamplePki first = ExamplePki.generate(other, NOW);
    ExamplePki second = ExamplePki.create(NOW);

    List<Path> written = second.writeTo(other, true);

    assertThat(written).hasSize(ExamplePkiFile.values().length);
    assertThat(read(other, ExamplePkiFile.ROOT_CA).get(0))
        .isEqualTo(second.root().certificate())
        .isNotEqualTo(first.root().certificate());
    try (var files = Files.list(other)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  private static List<X509Certificate> read(ExamplePkiFile file) throws Exception {
    return read(dir, file);
  }

  /** Parsed by the JDK's certificate factory, so the validator sees what any Java client would. */
  private static List<X509Certificate> read(Path directory, ExamplePkiFile file) throws Exception {
    List<X509Certificate> parsed = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    for (X509Certificate certificate : Pem.readCertificates(file.in(directory))) {
      parsed.add(
          (X509Certificate)
              factory.generateCertificate(new ByteArrayInputStream(certificate.getEncoded())));
    }
    return parsed;
  }

  private static Instant notAfter(ExamplePkiFile file) throws Exception {
    return read(file).get(0).getNotAfter().toInstant();
  }

  private static TrustAnchor only(List<X509Certificate> certificates) {
    assertThat(certificates).hasSize(1);
    return new TrustAnchor(certificates.get(0), null);
  }

  private static void validate(List<X509Certificate> path, TrustAnchor anchor, Instant at)
      throws GeneralSecurityException {
    PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(at));
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
  }

  private static CertPathValidatorException failure(
      List<X509Certificate> path, TrustAnchor anchor, Instant at) {
    try {
      validate(path, anchor, at);
    } catch (CertPathValidatorException e) {
      return e;
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected " + path + " not to validate");
  }

  private static boolean keyMatches(ExamplePkiFile keyFile, X509Certificate certificate)
      throws Exception {
    // Through the JDK's key factory: proves the file is PKCS#8 that any Java TLS stack can load.
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(
                new PKCS8EncodedKeySpec(Pem.readPrivateKey(keyFile.in(dir)).getEncoded()));
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    return verifier.verify(signature);
  }
}
