package io.chainsight.core.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.lint.LintFinding.Level;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChainLintTest {
  private static final Instant NOW = Instant.now();
  private static HeldCertificate root;
  private static HeldCertificate intermediate;
  private static HeldCertificate leaf;

  @BeforeAll
  static void pki() {
    root = HeldCertificate.builder().subject("CN=lint root").certificateAuthority(1).build();
    intermediate =
        HeldCertificate.builder()
            .subject("CN=lint intermediate")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    leaf = leafBuilder().build();
  }

  private static HeldCertificate.Builder leafBuilder() {
    return HeldCertificate.builder()
        .subject("CN=registrar")
        .signedBy(intermediate)
        .purpose(Purpose.SERVER_AUTH)
        .addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1")
        .addSubjectAlternativeName("registrar.example");
  }

  private static List<LintFinding> lint(
      String host, HeldCertificate key, HeldCertificate... chain) {
    List<X509Certificate> certificates =
        Stream.of(chain).map(HeldCertificate::certificate).collect(Collectors.toList());
    return ChainLint.lint(certificates, key.privateKey(), host, NOW);
  }

  private static List<LintFinding> problems(List<LintFinding> findings) {
    return findings.stream().filter(f -> f.level().isProblem()).collect(Collectors.toList());
  }

  private static LintFinding only(List<LintFinding> findings, String check) {
    List<LintFinding> ofCheck =
        findings.stream().filter(f -> f.check().equals(check)).collect(Collectors.toList());
    assertThat(ofCheck).as("findings of %s in %s", check, findings).hasSize(1);
    return ofCheck.get(0);
  }

  @Test
  void aGoodThreeTierChainPassesEveryCheck() {
    List<LintFinding> findings = lint("127.0.0.1", leaf, leaf, intermediate, root);

    assertThat(problems(findings)).isEmpty();
    assertThat(findings)
        .extracting(LintFinding::check)
        .containsExactly(
            "order",
            "key",
            "signature",
            "ca",
            "path-length",
            "validity",
            "purpose",
            "root",
            "host");
    assertThat(only(findings, "order").message())
        .isEqualTo(
            "each certificate is issued by the one after it: CN=registrar <- CN=lint intermediate <- "
                + "CN=lint root");
    assertThat(only(findings, "signature").message())
        .isEqualTo("every signature in the chain verifies (3 checked)");
    assertThat(only(findings, "host").message())
        .isEqualTo(
            "listen.host 127.0.0.1 is in the SANs (DNS:localhost, DNS:registrar.example, IP:127.0.0.1)");
    assertThat(only(findings, "root").level()).isEqualTo(Level.INFO);
    assertThat(only(findings, "root").message())
        .startsWith("the chain includes the root CN=lint root")
        .contains("rust-keylime's registrar_tls_ca_cert");
  }

  @Test
  void intermediateAfterTheRootIsOutOfOrder() {
    LintFinding order = only(lint("localhost", leaf, leaf, root, intermediate), "order");

    assertThat(order.level()).isEqualTo(Level.ERROR);
    assertThat(order.message())
        .isEqualTo(
            "the certificates are out of order: certificate 1 (CN=registrar) is "
                + "issued by certificate 3 (CN=lint intermediate), but certificate 2 (CN=lint root) follows it (expected: "
                + "leaf first, then each certificate's issuer in turn; reorder the file as 1, 3, 2)");
  }

  @Test
  void aCaCertificateFirstIsNotTheServersOwn() {
    LintFinding order = only(lint("localhost", leaf, intermediate, leaf, root), "order");

    assertThat(order.message())
        .startsWith(
            "certificate 1 (CN=lint intermediate) issued certificate 2 "
                + "(CN=registrar), so it is not the server's own certificate");
  }

  @Test
  void missingIntermediateIsNamed() {
    List<LintFinding> order =
        lint("localhost", leaf, leaf, root).stream()
            .filter(f -> f.check().equals("order"))
            .collect(Collectors.toList());

    assertThat(order)
        .extracting(LintFinding::message)
        .containsExactly(
            "certificate 1 (CN=registrar) is issued by "
                + "CN=lint intermediate, which is not in the chain (expected: each certificate followed by its issuer; add "
                + "CN=lint intermediate after certificate 1)");
  }

  @Test
  void aRepeatedCertificateIsFlagged() {
    LintFinding order =
        only(lint("localhost", leaf, leaf, intermediate, root, intermediate), "order");
    assertThat(order.message())
        .startsWith("certificate 4 (CN=lint intermediate) repeats certificate 2");
  }

  @Test
  void anUnrelatedCertificateAfterTheRootIsNotOnThePath() {
    HeldCertificate stranger =
        HeldCertificate.builder().subject("CN=stranger").certificateAuthority(0).build();
    LintFinding order = only(lint("localhost", leaf, leaf, intermediate, root, stranger), "order");

    assertThat(order.message())
        .startsWith("certificate 4 (CN=stranger) is not on the path from the leaf");
  }

  @Test
  void aKeyThatIsNotTheLeafsIsAnError() {
    HeldCertificate other = HeldCertificate.builder().commonName("other").build();
    LintFinding key = only(lint("localhost", other, leaf, intermediate, root), "key");

    assertThat(key.level()).isEqualTo(Level.ERROR);
    assertThat(key.message())
        .startsWith("the private key does not match certificate 1 (CN=registrar)");
  }

  @Test
  void anIntermediateWithTheSameNameButANewKeyFailsTheSignature() {
    HeldCertificate recreated =
        HeldCertificate.builder()
            .subject("CN=lint intermediate")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    LintFinding signature = only(lint("localhost", leaf, leaf, recreated, root), "signature");

    assertThat(signature.level()).isEqualTo(Level.ERROR);
    assertThat(signature.message())
        .startsWith(
            "certificate 1 (CN=registrar) names CN=lint intermediate as its "
                + "issuer, but its signature does not verify with the key of certificate 2 (its authority key id is")
        .contains("OpenSSL error 7");
  }

  @Test
  void anIssuerWithCaFalseIsNotACa() {
    HeldCertificate notCa =
        HeldCertificate.builder().subject("CN=not a CA").caFalse().signedBy(root).build();
    HeldCertificate below =
        HeldCertificate.builder()
            .subject("CN=registrar")
            .signedBy(notCa)
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("localhost")
            .build();
    LintFinding ca = only(lint("localhost", below, below, notCa, root), "ca");

    assertThat(ca.message())
        .isEqualTo(
            "certificate 2 (CN=not a CA) issues certificate 1 but is not a CA "
                + "(CA:FALSE); clients fail with OpenSSL error 24 (invalid CA certificate): reissue it with basicConstraints "
                + "critical, CA:TRUE");
  }

  @Test
  void anIssuerWithoutKeyCertSignIsAnError() {
    HeldCertificate noSign =
        HeldCertificate.builder()
            .subject("CN=no keyCertSign")
            .certificateAuthority(0)
            .withoutKeyCertSign()
            .signedBy(root)
            .build();
    HeldCertificate below =
        HeldCertificate.builder()
            .subject("CN=registrar")
            .signedBy(noSign)
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("localhost")
            .build();
    LintFinding ca = only(lint("localhost", below, below, noSign, root), "ca");

    assertThat(ca.level()).isEqualTo(Level.ERROR);
    assertThat(ca.message())
        .contains("has keyUsage without keyCertSign")
        .contains("OpenSSL error 32");
  }

  @Test
  void aRootWithPathLenZeroAboveAnIntermediateIsExceeded() {
    HeldCertificate strictRoot =
        HeldCertificate.builder().subject("CN=strict root").certificateAuthority(0).build();
    HeldCertificate middle =
        HeldCertificate.builder()
            .subject("CN=middle")
            .certificateAuthority(0)
            .signedBy(strictRoot)
            .build();
    HeldCertificate below =
        HeldCertificate.builder()
            .subject("CN=registrar")
            .signedBy(middle)
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("localhost")
            .build();
    LintFinding pathLength =
        only(lint("localhost", below, below, middle, strictRoot), "path-length");

    assertThat(pathLength.level()).isEqualTo(Level.ERROR);
    assertThat(pathLength.message())
        .startsWith(
            "certificate 3 (CN=strict root) allows 0 intermediate CA(s) below "
                + "it (pathLen:0), but 1 follow it")
        .contains("OpenSSL error 25");
  }

  @Test
  void anExpiredLeafIsAnErrorAndOneExpiringSoonAWarning() {
    HeldCertificate expired =
        leafBuilder()
            .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(3)))
            .build();
    HeldCertificate soon =
        leafBuilder()
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10)))
            .build();
    HeldCertificate future =
        leafBuilder().validity(NOW.plus(Duration.ofDays(5)), NOW.plus(Duration.ofDays(50))).build();

    LintFinding expiredFinding =
        only(lint("localhost", expired, expired, intermediate, root), "validity");
    assertThat(expiredFinding.level()).isEqualTo(Level.ERROR);
    assertThat(expiredFinding.message())
        .startsWith("certificate 1 (CN=registrar) expired at ")
        .contains("(3 days ago); clients fail with OpenSSL error 10");

    LintFinding soonFinding = only(lint("localhost", soon, soon, intermediate, root), "validity");
    assertThat(soonFinding.level()).isEqualTo(Level.WARNING);
    assertThat(soonFinding.message()).contains(", in 9 days: renew it before then");

    LintFinding futureFinding =
        only(lint("localhost", future, future, intermediate, root), "validity");
    assertThat(futureFinding.level()).isEqualTo(Level.ERROR);
    assertThat(futureFinding.message()).contains("is not valid until").contains("OpenSSL error 9");
  }

  @Test
  void aLeafForClientAuthOnlyLacksServerAuth() {
    HeldCertificate clientOnly =
        HeldCertificate.builder()
            .subject("CN=registrar")
            .signedBy(intermediate)
            .purpose(Purpose.CLIENT_AUTH)
            .addSubjectAlternativeName("localhost")
            .build();
    LintFinding purpose =
        only(lint("localhost", clientOnly, clientOnly, intermediate, root), "purpose");

    assertThat(purpose.level()).isEqualTo(Level.ERROR);
    assertThat(purpose.message())
        .isEqualTo(
            "certificate 1 (CN=registrar) has extendedKeyUsage [clientAuth] without "
                + "serverAuth; clients fail with OpenSSL error 26 (unsupported certificate purpose, alert "
                + "unsupported_certificate): reissue it with extendedKeyUsage serverAuth");
  }

  @Test
  void aLeafWithoutExtendedKeyUsageIsANote() {
    HeldCertificate anyPurpose =
        HeldCertificate.builder()
            .subject("CN=registrar")
            .signedBy(intermediate)
            .addSubjectAlternativeName("localhost")
            .build();
    LintFinding purpose =
        only(lint("localhost", anyPurpose, anyPurpose, intermediate, root), "purpose");

    assertThat(purpose.level()).isEqualTo(Level.INFO);
  }

  @Test
  void aChainWithoutTheRootNamesTheRootClientsNeed() {
    LintFinding rootFinding = only(lint("localhost", leaf, leaf, intermediate), "root");

    assertThat(rootFinding.level()).isEqualTo(Level.INFO);
    assertThat(rootFinding.message())
        .startsWith(
            "the chain ends at certificate 2 (CN=lint intermediate), issued "
                + "by CN=lint root, which is not sent");
  }

  @Test
  void aListenAddressMissingFromTheSansIsAnError() {
    LintFinding host = only(lint("10.0.0.5", leaf, leaf, intermediate, root), "host");

    assertThat(host.level()).isEqualTo(Level.ERROR);
    assertThat(host.message())
        .isEqualTo(
            "listen.host 10.0.0.5 is not in the SANs of certificate 1 (DNS:localhost, "
                + "DNS:registrar.example, IP:127.0.0.1); clients that connect to 10.0.0.5 fail with OpenSSL error 64 "
                + "(IP address mismatch): reissue the certificate with IP:10.0.0.5");
  }

  @Test
  void aListenNameIsMatchedCaseInsensitively() {
    assertThat(only(lint("Registrar.Example", leaf, leaf, intermediate, root), "host").level())
        .isEqualTo(Level.OK);
  }

  @Test
  void listeningOnEveryInterfaceChecksLocalhostAndLoopbackAndSaysSo() {
    LintFinding host = only(lint("0.0.0.0", leaf, leaf, intermediate, root), "host");

    assertThat(host.level()).isEqualTo(Level.INFO);
    assertThat(host.message())
        .startsWith(
            "listen.host is 0.0.0.0 (every interface), so the names clients use are "
                + "not known here: checked localhost and 127.0.0.1 only, and localhost and 127.0.0.1 are in the SANs");
  }

  @Test
  void aLeafWithoutSansIsAnError() {
    HeldCertificate noSans =
        HeldCertificate.builder()
            .subject("CN=registrar")
            .signedBy(intermediate)
            .purpose(Purpose.SERVER_AUTH)
            .build();
    LintFinding host = only(lint("0.0.0.0", noSans, noSans, intermediate, root), "host");

    assertThat(host.level()).isEqualTo(Level.ERROR);
    assertThat(host.message()).contains("has no subjectAlternativeName");
  }

  @Test
  void aWildcardCoversExactlyOneLabel() {
    List<String> dns = List.of("*.example.com");
    assertThat(HostNames.covers("a.example.com", dns, List.of())).isTrue();
    assertThat(HostNames.covers("example.com", dns, List.of())).isFalse();
    assertThat(HostNames.covers("a.b.example.com", dns, List.of())).isFalse();
    assertThat(HostNames.covers("::1", List.of(), List.of("0:0:0:0:0:0:0:1"))).isTrue();
  }

  @Test
  void aLeafServedAloneIsAWarningNamingTheMissingIntermediateAndTheFirstBlockTrap() {
    List<LintFinding> findings = lint("localhost", leaf, leaf);

    LintFinding missing = only(findings, "intermediate");
    assertThat(missing.level()).isEqualTo(Level.WARNING);
    assertThat(missing.message())
        .startsWith(
            "the chain is the leaf alone: its issuer CN=lint intermediate (key id "
                + io.chainsight.core.certs.Certificates.subjectKeyId(intermediate.certificate())
                + "), which is an intermediate unless it is itself a root clients trust, is not sent.")
        .contains("with the intermediate first, error 2")
        .contains("with the root first, error 20")
        .endsWith(
            "The server must send the intermediate: add CN=lint intermediate to"
                + " tls.certificate-chain right after the leaf (leaf, intermediate, then optionally"
                + " the root)");
    assertThat(findings).noneMatch(f -> f.check().equals("root"));
  }

  @Test
  void aLeafServedAloneWhoseIssuerIsAKnownIntermediateSaysSo() {
    List<LintFinding> findings =
        ChainLint.lint(
            List.of(leaf.certificate()),
            leaf.privateKey(),
            "localhost",
            NOW,
            List.of(intermediate.certificate(), root.certificate()));

    assertThat(only(findings, "intermediate").message())
        .contains("an intermediate CA (it is in tls.trusted-cas), is not sent");
  }

  @Test
  void aLeafIssuedDirectlyByAKnownRootIsOnlyANote() {
    HeldCertificate direct =
        HeldCertificate.builder()
            .subject("CN=registrar")
            .signedBy(root)
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("localhost")
            .build();

    List<LintFinding> findings =
        ChainLint.lint(
            List.of(direct.certificate()),
            direct.privateKey(),
            "localhost",
            NOW,
            List.of(root.certificate()));

    assertThat(problems(findings)).isEmpty();
    assertThat(only(findings, "root").message())
        .startsWith("the chain is the leaf alone, issued directly by the root CN=lint root");
  }
}
