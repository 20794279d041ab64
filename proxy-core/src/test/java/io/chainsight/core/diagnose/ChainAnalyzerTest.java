package io.chainsight.core.diagnose;

import static io.chainsight.core.testing.TestPki.chain;
import static io.chainsight.core.testing.TestPki.crl;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.testing.TestPki;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainAnalyzerTest {
  private static final Instant NOW = Instant.now();
  private final TestPki pki = TestPki.create("Keylime Root", "Keylime Intermediate");
  private final HeldCertificate agent = pki.agent("agent-1").build();

  @Test
  void validChainEndsAtTheRootAndHasNoRemarks() {
    ChainDiagnosis d = clientAnalyzer().analyze(chain(agent, pki.intermediate(), pki.root()), NOW);

    assertThat(d.valid()).isTrue();
    assertThat(d.failure()).isEmpty();
    assertThat(d.remarks()).isEmpty();
    Step last = d.steps().get(d.steps().size() - 1);
    assertThat(last.check()).isEqualTo(Step.Check.TRUST_ANCHOR);
    assertThat(last.certificate().orElseThrow().label())
        .isEqualTo("trust anchor #1 (also presented[2])");
    assertThat(d.path())
        .extracting(CertificateRef::subject)
        .containsExactly("CN=agent-1", "CN=Keylime Intermediate", "CN=Keylime Root");
    assertThat(d.steps()).extracting(Step::number).startsWith(1, 2, 3);
  }

  @Test
  void validChainWithoutTheRootSent() {
    ChainDiagnosis d = clientAnalyzer().analyze(chain(agent, pki.intermediate()), NOW);

    assertThat(d.valid()).isTrue();
    assertThat(d.path().get(2).label()).isEqualTo("trust anchor #1");
  }

  @Test
  void noCertificateIsNoClientCertificate() {
    ChainDiagnosis d = clientAnalyzer().analyze(List.of(), NOW);

    Failure f =
        assertFailure(d, ReasonCode.NO_CLIENT_CERTIFICATE, Step.Check.CERTIFICATE_PRESENTED);
    assertThat(f.certificate()).isEmpty();
    assertThat(f.openssl()).isEmpty();
    assertThat(f.alert()).contains(TlsAlert.CERTIFICATE_REQUIRED);
    assertThat(f.explanation()).isEqualTo("The client sent no certificate, but one is required.");
  }

  @Test
  void missingIntermediateIsIssuerNotFoundOnTheLeaf() {
    ChainDiagnosis d = clientAnalyzer().analyze(chain(agent), NOW);

    Failure f = assertFailure(d, ReasonCode.ISSUER_NOT_FOUND, Step.Check.ISSUER_LOOKUP);
    assertThat(f.certificate().orElseThrow().label()).isEqualTo("presented[0]");
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assertThat(f.alert()).contains(TlsAlert.UNKNOWN_CA);
    assertThat(f.explanation())
        .contains(
            "names its issuer CN=Keylime Intermediate (AKI "
                + Certificates.authorityKeyId(agent.certificate())
                + ")")
        .contains("1 presented or the 1 trust anchors (CN=Keylime Root)");
    assertThat(f.fix()).contains("The client must send CN=Keylime Intermediate after CN=agent-1");
    assertThat(d.remarks())
        .singleElement()
        .asString()
        .contains("21 \"unable to verify the first certificate\"");
  }

  @Test
  void sameNameCaWithAnotherKeyIsIssuerKeyMismatchByKeyId() {
    HeldCertificate regenerated =
        HeldCertificate.builder().commonName("Keylime Root").certificateAuthority(1).build();
    ChainDiagnosis d = analyzer(regenerated).analyze(chain(agent, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.ISSUER_KEY_MISMATCH, Step.Check.ISSUER_LOOKUP);
    assertThat(f.certificate().orElseThrow().shortName())
        .isEqualTo("presented[1] CN=Keylime Intermediate");
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assertThat(f.explanation())
        .contains("with key id (AKI) " + Certificates.subjectKeyId(pki.root().certificate()))
        .contains(
            "trust anchor #1 CN=Keylime Root has key id (SKI) "
                + Certificates.subjectKeyId(regenerated.certificate()))
        .contains("same name, different key");
  }

  @Test
  void sameNameCaWithAnotherKeyAndNoKeyIdsFailsTheSignature() {
    HeldCertificate root =
        HeldCertificate.builder()
            .commonName("Plain Root")
            .certificateAuthority(0)
            .withoutKeyIdentifiers()
            .build();
    HeldCertificate regenerated =
        HeldCertificate.builder()
            .commonName("Plain Root")
            .certificateAuthority(0)
            .withoutKeyIdentifiers()
            .build();
    HeldCertificate leaf =
        HeldCertificate.builder()
            .commonName("plain-agent")
            .signedBy(root)
            .purpose(HeldCertificate.Purpose.CLIENT_AUTH)
            .withoutKeyIdentifiers()
            .build();
    ChainDiagnosis d = analyzer(regenerated).analyze(chain(leaf), NOW);

    Failure f = assertFailure(d, ReasonCode.ISSUER_KEY_MISMATCH, Step.Check.SIGNATURE);
    assertThat(f.openssl()).contains(OpenSslError.CERT_SIGNATURE_FAILURE);
    assertThat(f.alert()).contains(TlsAlert.DECRYPT_ERROR);
    assertThat(f.explanation())
        .contains("does not verify with the key of trust anchor #1 CN=Plain Root")
        .contains("has no AKI to tell the keys apart");
  }

  @Test
  void untrustedPresentedRoot() {
    TestPki other = TestPki.create("Other Root", "Other Intermediate");
    ChainDiagnosis d =
        analyzer(other.root()).analyze(chain(agent, pki.intermediate(), pki.root()), NOW);

    Failure f = assertFailure(d, ReasonCode.UNTRUSTED_ROOT, Step.Check.ISSUER_LOOKUP);
    assertThat(f.certificate().orElseThrow().shortName()).isEqualTo("presented[2] CN=Keylime Root");
    assertThat(f.openssl()).contains(OpenSslError.SELF_SIGNED_CERT_IN_CHAIN);
    assertThat(f.explanation())
        .contains(
            "is a self-signed root (SKI " + Certificates.subjectKeyId(pki.root().certificate()))
        .contains("not among the 1 trust anchors (CN=Other Root)");
    assertThat(f.fix()).contains("SHA-256 " + Certificates.sha256(pki.root().certificate()));
  }

  @Test
  void untrustedRootWithTheNameOfATrustedOneSaysTheRootWasRecreated() {
    HeldCertificate regenerated =
        HeldCertificate.builder().commonName("Keylime Root").certificateAuthority(1).build();
    ChainDiagnosis d =
        analyzer(regenerated).analyze(chain(agent, pki.intermediate(), pki.root()), NOW);

    Failure f = assertFailure(d, ReasonCode.UNTRUSTED_ROOT, Step.Check.ISSUER_LOOKUP);
    assertThat(f.explanation())
        .contains(
            "trust anchor #1 has the same name but SKI "
                + Certificates.subjectKeyId(regenerated.certificate())
                + ", so the CA was re-created");
  }

  @Test
  void selfSignedClientCertificate() {
    HeldCertificate selfSigned =
        HeldCertificate.builder()
            .commonName("lonely-agent")
            .purpose(HeldCertificate.Purpose.CLIENT_AUTH)
            .build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(selfSigned), NOW);

    Failure f = assertFailure(d, ReasonCode.SELF_SIGNED_LEAF, Step.Check.ISSUER_LOOKUP);
    assertThat(f.openssl()).contains(OpenSslError.DEPTH_ZERO_SELF_SIGNED_CERT);
    assertThat(f.explanation()).startsWith("presented[0] CN=lonely-agent is self-signed");
  }

  @Test
  void pinnedSelfSignedClientCertificateIsValid() {
    HeldCertificate selfSigned =
        HeldCertificate.builder()
            .commonName("pinned-agent")
            .purpose(HeldCertificate.Purpose.CLIENT_AUTH)
            .build();
    ChainDiagnosis d = analyzer(selfSigned).analyze(chain(selfSigned), NOW);

    assertThat(d.valid()).isTrue();
    assertThat(d.path())
        .singleElement()
        .extracting(CertificateRef::label)
        .isEqualTo("trust anchor #1 (also presented[0])");
  }

  @Test
  void expiredLeaf() {
    HeldCertificate expired =
        pki.agent("old-agent")
            .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(3)))
            .build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(expired, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.EXPIRED, Step.Check.VALIDITY);
    assertThat(f.step()).hasValue(1);
    assertThat(f.openssl()).contains(OpenSslError.CERT_HAS_EXPIRED);
    assertThat(f.alert()).contains(TlsAlert.CERTIFICATE_EXPIRED);
    assertThat(f.explanation())
        .contains("presented[0] CN=old-agent expired at", "3 days before the check time");
    assertThat(f.fix()).startsWith("Renew the certificate CN=old-agent");
  }

  @Test
  void notYetValidLeafHintsAtClockSkew() {
    HeldCertificate future =
        pki.agent("early-agent")
            .validity(NOW.plus(Duration.ofMinutes(10)), NOW.plus(Duration.ofDays(30)))
            .build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(future, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.NOT_YET_VALID, Step.Check.VALIDITY);
    assertThat(f.openssl()).contains(OpenSslError.CERT_NOT_YET_VALID);
    assertThat(f.alert()).contains(TlsAlert.BAD_CERTIFICATE);
    assertThat(f.explanation()).contains("is not valid before", "clock skew");
    assertThat(f.fix()).contains("NTP");
  }

  @Test
  void expiredIntermediate() {
    HeldCertificate old =
        HeldCertificate.builder()
            .commonName("Old Intermediate")
            .signedBy(pki.root())
            .certificateAuthority(0)
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(2)))
            .build();
    HeldCertificate leaf = issuedBy(old, "agent-2");
    ChainDiagnosis d = clientAnalyzer().analyze(chain(leaf, old), NOW);

    Failure f = assertFailure(d, ReasonCode.EXPIRED, Step.Check.VALIDITY);
    assertThat(f.certificate().orElseThrow().shortName())
        .isEqualTo("presented[1] CN=Old Intermediate");
    assertThat(f.fix()).startsWith("Renew the CA certificate CN=Old Intermediate (keeping its key");
  }

  @Test
  void notYetValidIntermediate() {
    HeldCertificate future =
        HeldCertificate.builder()
            .commonName("Future Intermediate")
            .signedBy(pki.root())
            .certificateAuthority(0)
            .validity(NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(400)))
            .build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(issuedBy(future, "agent-3"), future), NOW);

    Failure f = assertFailure(d, ReasonCode.NOT_YET_VALID, Step.Check.VALIDITY);
    assertThat(f.certificate().orElseThrow().shortName())
        .isEqualTo("presented[1] CN=Future Intermediate");
    assertThat(f.explanation())
        .contains("3 days after the check time")
        .doesNotContain("clock skew");
  }

  @Test
  void issuerWithCaFalseIsNotACa() {
    HeldCertificate notCa =
        HeldCertificate.builder().commonName("Not A CA").signedBy(pki.root()).caFalse().build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(issuedBy(notCa, "agent-4"), notCa), NOW);

    Failure f = assertFailure(d, ReasonCode.ISSUER_NOT_CA, Step.Check.CA_CONSTRAINTS);
    assertThat(f.certificate().orElseThrow().shortName()).isEqualTo("presented[1] CN=Not A CA");
    assertThat(f.openssl()).contains(OpenSslError.INVALID_CA);
    assertThat(f.openssl().orElseThrow().code()).isEqualTo(79);
    assertThat(f.openssl().orElseThrow().legacyCode()).isEqualTo(24);
    assertThat(f.explanation()).contains("has basicConstraints CA:FALSE");
  }

  @Test
  void issuerWithoutBasicConstraintsIsNotACa() {
    HeldCertificate noBc =
        HeldCertificate.builder()
            .commonName("No BC")
            .signedBy(pki.root())
            .withoutBasicConstraints()
            .build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(issuedBy(noBc, "agent-5"), noBc), NOW);

    Failure f = assertFailure(d, ReasonCode.ISSUER_NOT_CA, Step.Check.CA_CONSTRAINTS);
    assertThat(f.explanation())
        .contains("presented[1] CN=No BC, the issuer of CN=agent-5, has no basicConstraints");
  }

  @Test
  void issuerWithoutKeyCertSign() {
    HeldCertificate noSign =
        HeldCertificate.builder()
            .commonName("No CertSign")
            .signedBy(pki.root())
            .certificateAuthority(0)
            .withoutKeyCertSign()
            .build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(issuedBy(noSign, "agent-6"), noSign), NOW);

    Failure f = assertFailure(d, ReasonCode.ISSUER_KEY_USAGE, Step.Check.CA_CONSTRAINTS);
    assertThat(f.explanation())
        .contains("has keyUsage digitalSignature, cRLSign, without keyCertSign");
    assertThat(f.openssl()).contains(OpenSslError.INVALID_CA);
  }

  @Test
  void pathLengthExceededAtTheIntermediate() {
    HeldCertificate sub =
        HeldCertificate.builder()
            .commonName("Sub Intermediate")
            .signedBy(pki.intermediate())
            .certificateAuthority(-1)
            .build();
    ChainDiagnosis d =
        clientAnalyzer().analyze(chain(issuedBy(sub, "agent-7"), sub, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.PATH_LENGTH_EXCEEDED, Step.Check.CA_CONSTRAINTS);
    assertThat(f.certificate().orElseThrow().shortName())
        .isEqualTo("presented[2] CN=Keylime Intermediate");
    assertThat(f.explanation())
        .contains("has pathLen 0", "the path has 1 below it: CN=Sub Intermediate");
    assertThat(f.openssl()).contains(OpenSslError.PATH_LENGTH_EXCEEDED);
  }

  @Test
  void serverAuthOnlyCertificateAsAClientCertificate() {
    HeldCertificate serverOnly =
        HeldCertificate.builder()
            .commonName("registrar")
            .signedBy(pki.intermediate())
            .purpose(HeldCertificate.Purpose.SERVER_AUTH)
            .build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(serverOnly, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.WRONG_PURPOSE, Step.Check.PURPOSE);
    assertThat(f.explanation())
        .isEqualTo(
            "presented[0] CN=registrar has extendedKeyUsage serverAuth, without "
                + "clientAuth (expected for client authentication).");
    assertThat(f.alert()).contains(TlsAlert.UNSUPPORTED_CERTIFICATE);
  }

  @Test
  void caRestrictedToServerAuthCannotIssueClientCertificates() {
    HeldCertificate serverCa =
        HeldCertificate.builder()
            .commonName("Server CA")
            .signedBy(pki.root())
            .certificateAuthority(0)
            .purpose(HeldCertificate.Purpose.SERVER_AUTH)
            .build();
    ChainDiagnosis d =
        clientAnalyzer().analyze(chain(issuedBy(serverCa, "agent-8"), serverCa), NOW);

    Failure f = assertFailure(d, ReasonCode.WRONG_PURPOSE, Step.Check.PURPOSE);
    assertThat(f.certificate().orElseThrow().shortName()).isEqualTo("presented[1] CN=Server CA");
    assertThat(f.explanation()).contains("restricts extendedKeyUsage to serverAuth");
  }

  @Test
  void revokedByTheIntermediatesCrl() {
    HeldCertificate revoked = pki.agent("revoked-agent").build();
    List<X509CRL> crls = List.of(crl(pki.intermediate(), revoked), crl(pki.root()));
    ChainDiagnosis d = withCrls(crls).analyze(chain(revoked, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.REVOKED, Step.Check.REVOCATION);
    assertThat(f.certificate().orElseThrow().shortName())
        .isEqualTo("presented[0] CN=revoked-agent");
    assertThat(f.explanation())
        .contains(
            "(serial " + Certificates.serialHex(revoked.certificate()) + ") is revoked",
            "reason KEY_COMPROMISE");
    assertThat(f.alert()).contains(TlsAlert.CERTIFICATE_REVOKED);
  }

  @Test
  void currentCrlsForEveryCaPass() {
    ChainDiagnosis d =
        withCrls(List.of(crl(pki.intermediate()), crl(pki.root())))
            .analyze(chain(agent, pki.intermediate()), NOW);

    assertThat(d.valid()).isTrue();
    assertThat(d.steps()).filteredOn(s -> s.check() == Step.Check.REVOCATION).hasSize(2);
  }

  @Test
  void expiredCrlIsACrlProblem() {
    X509CRL expired =
        crl(pki.intermediate(), NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(2)));
    ChainDiagnosis d =
        withCrls(List.of(expired, crl(pki.root()))).analyze(chain(agent, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.CRL_PROBLEM, Step.Check.REVOCATION);
    assertThat(f.openssl()).contains(OpenSslError.CRL_HAS_EXPIRED);
    assertThat(f.explanation())
        .contains("The CRL of CN=Keylime Intermediate expired at its nextUpdate");
  }

  @Test
  void missingCrlForAnIssuerIsACrlProblem() {
    ChainDiagnosis d =
        withCrls(List.of(crl(pki.intermediate()))).analyze(chain(agent, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.CRL_PROBLEM, Step.Check.REVOCATION);
    assertThat(f.certificate().orElseThrow().shortName())
        .isEqualTo("presented[1] CN=Keylime Intermediate");
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_CRL);
    assertThat(f.explanation()).startsWith("No CRL issued by CN=Keylime Root is configured");
  }

  @Test
  void crlSignedByAnotherKeyIsACrlProblem() {
    TestPki twin = TestPki.create("Keylime Root", "Keylime Intermediate");
    ChainDiagnosis d =
        withCrls(List.of(crl(twin.intermediate()), crl(pki.root())))
            .analyze(chain(agent, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.CRL_PROBLEM, Step.Check.REVOCATION);
    assertThat(f.openssl()).contains(OpenSslError.CRL_SIGNATURE_FAILURE);
  }

  @Test
  void sha1SignatureIsWeak() {
    HeldCertificate sha1 = pki.agent("sha1-agent").signatureAlgorithm("SHA1withECDSA").build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(sha1, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.WEAK_KEY_OR_ALGORITHM, Step.Check.SIGNATURE);
    assertThat(f.explanation())
        .contains("is signed with ecdsa-with-SHA1: SHA-1 signatures can be forged");
    assertThat(f.openssl()).contains(OpenSslError.CA_MD_TOO_WEAK);
  }

  @Test
  void rsa1024KeyIsWeak() {
    HeldCertificate weak = pki.agent("rsa-agent").keyType(HeldCertificate.KeyType.RSA_1024).build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(weak, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.WEAK_KEY_OR_ALGORITHM, Step.Check.KEY_STRENGTH);
    assertThat(f.explanation()).contains("has a RSA 1024-bit key");
    assertThat(f.openssl()).contains(OpenSslError.EE_KEY_TOO_SMALL);
  }

  @Test
  void unknownCriticalExtension() {
    HeldCertificate odd = pki.agent("odd-agent").unknownCriticalExtension().build();
    ChainDiagnosis d = clientAnalyzer().analyze(chain(odd, pki.intermediate()), NOW);

    Failure f =
        assertFailure(d, ReasonCode.UNKNOWN_CRITICAL_EXTENSION, Step.Check.CRITICAL_EXTENSIONS);
    assertThat(f.explanation()).contains("has critical extension 1.3.6.1.4.1.55555.1.1");
    assertThat(f.alert()).contains(TlsAlert.CERTIFICATE_UNKNOWN);
  }

  @Test
  void tooManyPresentedCertificates() {
    ChainDiagnosis d =
        ChainAnalyzer.builder()
            .trustAnchors(List.of(pki.root().certificate()))
            .maxChainLength(2)
            .build()
            .analyze(chain(agent, pki.intermediate(), pki.root()), NOW);

    Failure f = assertFailure(d, ReasonCode.CHAIN_TOO_LONG, Step.Check.CHAIN_LENGTH);
    assertThat(f.explanation())
        .isEqualTo("3 certificates were presented (at most 2 allowed, trust anchor included).");
  }

  @Test
  void pathLongerThanAllowed() {
    ChainDiagnosis d =
        ChainAnalyzer.builder()
            .trustAnchors(List.of(pki.root().certificate()))
            .maxChainLength(2)
            .build()
            .analyze(chain(agent, pki.intermediate()), NOW);

    Failure f = assertFailure(d, ReasonCode.CHAIN_TOO_LONG, Step.Check.CHAIN_LENGTH);
    assertThat(f.certificate().orElseThrow().shortName())
        .isEqualTo("presented[1] CN=Keylime Intermediate");
    assertThat(f.openssl()).contains(OpenSslError.CERT_CHAIN_TOO_LONG);
  }

  @Test
  void outOfOrderChainIsValidWithARemark() {
    ChainDiagnosis d = clientAnalyzer().analyze(chain(agent, pki.root(), pki.intermediate()), NOW);

    assertThat(d.valid()).isTrue();
    assertThat(d.remarks())
        .singleElement()
        .asString()
        .startsWith(
            "The presented certificates are out of order: the path uses them as [presented[0], "
                + "presented[2], presented[1]]");
  }

  @Test
  void superfluousCertificateIsValidWithARemark() {
    TestPki other = TestPki.create("Other Root", "Other Intermediate");
    ChainDiagnosis d =
        clientAnalyzer().analyze(chain(agent, pki.intermediate(), other.intermediate()), NOW);

    assertThat(d.valid()).isTrue();
    assertThat(d.remarks())
        .singleElement()
        .asString()
        .isEqualTo(
            "presented[2] CN=Other Intermediate (issued by CN=Other Root) is not on the path: superfluous, "
                + "it only adds bytes to every handshake.");
  }

  @Test
  void firstPemBlockOnlyTrustsTheIntermediateAndFailsWithError2() {
    HeldCertificate server = pki.server("registrar.example").build();
    List<X509Certificate> caFile =
        List.of(pki.intermediate().certificate(), pki.root().certificate());
    ChainAnalyzer firstBlockOnly =
        ChainAnalyzer.builder()
            .trustAnchors(caFile.subList(0, 1))
            .purpose(Purpose.SERVER_AUTH)
            .build();

    ChainDiagnosis d = firstBlockOnly.analyze(chain(server, pki.intermediate(), pki.root()), NOW);

    Failure f = assertFailure(d, ReasonCode.ISSUER_NOT_FOUND, Step.Check.ISSUER_LOOKUP);
    assertThat(f.certificate().orElseThrow().label())
        .isEqualTo("trust anchor #1 (also presented[1])");
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT);
    assertThat(f.explanation())
        .contains("is trusted but not self-signed", "presented[2] CN=Keylime Root is not used");
    assertThat(f.fix()).contains("reads only the first PEM block", "put the root first or alone");
    // Every block: the root is an anchor too, and the chain verifies.
    assertThat(
            ChainAnalyzer.builder()
                .trustAnchors(caFile)
                .purpose(Purpose.SERVER_AUTH)
                .build()
                .analyze(chain(server, pki.intermediate(), pki.root()), NOW)
                .valid())
        .isTrue();
  }

  @Test
  void partialChainAcceptsATrustedIntermediateWithARemark() {
    HeldCertificate server = pki.server("registrar.example").build();
    ChainDiagnosis d =
        ChainAnalyzer.builder()
            .trustAnchors(List.of(pki.intermediate().certificate()))
            .purpose(Purpose.SERVER_AUTH)
            .partialChain(true)
            .build()
            .analyze(chain(server, pki.intermediate()), NOW);

    assertThat(d.valid()).isTrue();
    assertThat(d.remarks())
        .anySatisfy(r -> assertThat(r).contains("accepted because partial chains are allowed"));
  }

  @Test
  void hostNameNotInTheSans() {
    HeldCertificate server = pki.server("registrar.example").build();
    ChainDiagnosis d =
        serverAnalyzer()
            .analyze(chain(server, pki.intermediate()), NOW, Optional.of("other.example"));

    Failure f = assertFailure(d, ReasonCode.HOSTNAME_MISMATCH, Step.Check.HOST_NAME);
    assertThat(f.openssl()).contains(OpenSslError.HOSTNAME_MISMATCH);
    assertThat(f.explanation())
        .contains("does not name other.example in its subjectAltName (DNS:registrar.example)");
  }

  @Test
  void ipAddressNotInTheIpSans() {
    HeldCertificate server = pki.server("registrar.example").build();
    ChainDiagnosis d =
        serverAnalyzer().analyze(chain(server, pki.intermediate()), NOW, Optional.of("10.0.0.5"));

    Failure f = assertFailure(d, ReasonCode.HOSTNAME_MISMATCH, Step.Check.HOST_NAME);
    assertThat(f.openssl()).contains(OpenSslError.IP_ADDRESS_MISMATCH);
    assertThat(f.fix()).contains("subjectAltName IP:10.0.0.5", "registrar_ip");
  }

  @Test
  void wildcardAndIpSansMatch() {
    HeldCertificate server =
        HeldCertificate.builder()
            .commonName("registrar")
            .signedBy(pki.intermediate())
            .purpose(HeldCertificate.Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("*.keylime.example")
            .addSubjectAlternativeName("::1")
            .build();

    assertThat(
            serverAnalyzer()
                .analyze(
                    chain(server, pki.intermediate()),
                    NOW,
                    Optional.of("Registrar.keylime.example."))
                .valid())
        .isTrue();
    assertThat(
            serverAnalyzer()
                .analyze(chain(server, pki.intermediate()), NOW, Optional.of("[0:0:0:0:0:0:0:1]"))
                .valid())
        .isTrue();
    assertThat(
            serverAnalyzer()
                .analyze(chain(server, pki.intermediate()), NOW, Optional.of("a.b.keylime.example"))
                .reason())
        .contains(ReasonCode.HOSTNAME_MISMATCH);
  }

  private static Failure assertFailure(ChainDiagnosis d, ReasonCode reason, Step.Check check) {
    assertThat(d.valid()).as(d.summary()).isFalse();
    Failure failure = d.failure().orElseThrow();
    assertThat(failure.reason()).as(d.summary()).isEqualTo(reason);
    Step step = d.failingStep().orElseThrow();
    assertThat(step.check()).as(d.summary()).isEqualTo(check);
    assertThat(step.verdict()).isEqualTo(Step.Verdict.FAIL);
    assertThat(step.number()).isEqualTo(d.steps().size());
    assertThat(step.certificate()).isEqualTo(failure.certificate());
    assertThat(d.steps().subList(0, d.steps().size() - 1)).allMatch(Step::passed);
    return failure;
  }

  private HeldCertificate issuedBy(HeldCertificate ca, String name) {
    return HeldCertificate.builder()
        .commonName(name)
        .signedBy(ca)
        .purpose(HeldCertificate.Purpose.CLIENT_AUTH)
        .build();
  }

  private ChainAnalyzer clientAnalyzer() {
    return analyzer(pki.root());
  }

  private ChainAnalyzer serverAnalyzer() {
    return ChainAnalyzer.builder()
        .trustAnchors(List.of(pki.root().certificate()))
        .purpose(Purpose.SERVER_AUTH)
        .build();
  }

  private static ChainAnalyzer analyzer(HeldCertificate anchor) {
    return ChainAnalyzer.builder().trustAnchors(List.of(anchor.certificate())).build();
  }

  private ChainAnalyzer withCrls(List<X509CRL> crls) {
    return ChainAnalyzer.builder()
        .trustAnchors(List.of(pki.root().certificate()))
        .crls(crls)
        .build();
  }
}
