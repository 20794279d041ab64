package io.chainsight.core.diagnose;

import static io.chainsight.core.testing.TestPki.chain;
import static io.chainsight.core.testing.TestPki.crl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's claim "a C client reports OpenSSL error N" checked against the real thing: each
 * scenario is verified by {@code openssl verify} (the first error it prints is what curl or the
 * Rust agent stop at) and by the engine, and the numbers must agree. Skipped where no openssl
 * binary exists.
 */
class OpenSslAgreementIT {
  private static final Pattern ERROR =
      Pattern.compile("error (\\d+) at (\\d+) depth lookup: ([^\\n]+)");
  private static final TestPki PKI = TestPki.create("Keylime Root", "Keylime Intermediate");
  private static final HeldCertificate AGENT = PKI.agent("agent-1").build();

  @TempDir Path dir;

  record Scenario(
      String name,
      List<X509Certificate> presented,
      List<X509Certificate> anchors,
      List<X509CRL> crls,
      io.chainsight.core.diagnose.Purpose purpose,
      String host,
      boolean partialChain) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Scenario> scenarios() {
    TestPki other = TestPki.create("Keylime Root", "Keylime Intermediate");
    Instant now = Instant.now();
    HeldCertificate regeneratedRoot =
        HeldCertificate.builder().commonName("Keylime Root").certificateAuthority(1).build();
    HeldCertificate noIdsRoot =
        HeldCertificate.builder()
            .commonName("Plain Root")
            .certificateAuthority(1)
            .withoutKeyIdentifiers()
            .build();
    HeldCertificate noIdsRootRegenerated =
        HeldCertificate.builder()
            .commonName("Plain Root")
            .certificateAuthority(1)
            .withoutKeyIdentifiers()
            .build();
    HeldCertificate noIdsLeaf =
        HeldCertificate.builder()
            .commonName("plain-agent")
            .signedBy(noIdsRoot)
            .purpose(Purpose.CLIENT_AUTH)
            .withoutKeyIdentifiers()
            .build();
    HeldCertificate caFalse =
        HeldCertificate.builder().commonName("Not A CA").signedBy(PKI.root()).caFalse().build();
    HeldCertificate noBc =
        HeldCertificate.builder()
            .commonName("No BC")
            .signedBy(PKI.root())
            .withoutBasicConstraints()
            .build();
    HeldCertificate noCertSign =
        HeldCertificate.builder()
            .commonName("No CertSign")
            .signedBy(PKI.root())
            .certificateAuthority(0)
            .withoutKeyCertSign()
            .build();
    HeldCertificate subIntermediate =
        HeldCertificate.builder()
            .commonName("Sub Intermediate")
            .signedBy(PKI.intermediate())
            .certificateAuthority(-1)
            .build();
    HeldCertificate selfSigned =
        HeldCertificate.builder().commonName("lonely-agent").purpose(Purpose.CLIENT_AUTH).build();
    HeldCertificate expiredIntermediate =
        HeldCertificate.builder()
            .commonName("Old Intermediate")
            .signedBy(PKI.root())
            .certificateAuthority(0)
            .validity(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(2)))
            .build();
    HeldCertificate futureIntermediate =
        HeldCertificate.builder()
            .commonName("Future Intermediate")
            .signedBy(PKI.root())
            .certificateAuthority(0)
            .validity(now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(400)))
            .build();
    HeldCertificate server = PKI.server("registrar.example").build();
    HeldCertificate ipServer = PKI.server("127.0.0.1").build();
    HeldCertificate revoked = PKI.agent("revoked-agent").build();
    List<X509Certificate> anchors = List.of(PKI.root().certificate());
    var client = io.chainsight.core.diagnose.Purpose.CLIENT_AUTH;
    var serverAuth = io.chainsight.core.diagnose.Purpose.SERVER_AUTH;
    return Stream.of(
        new Scenario(
            "valid",
            chain(AGENT, PKI.intermediate(), PKI.root()),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario("missing intermediate", chain(AGENT), anchors, List.of(), client, null, false),
        new Scenario(
            "regenerated root, AKI differs",
            chain(AGENT, PKI.intermediate()),
            List.of(regeneratedRoot.certificate()),
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "regenerated root, no key ids",
            chain(noIdsLeaf),
            List.of(noIdsRootRegenerated.certificate()),
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "untrusted root",
            chain(AGENT, PKI.intermediate(), PKI.root()),
            List.of(other.root().certificate()),
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "self-signed leaf", chain(selfSigned), anchors, List.of(), client, null, false),
        new Scenario(
            "expired leaf",
            chain(
                PKI.agent("old")
                    .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
                    .build(),
                PKI.intermediate()),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "not yet valid leaf",
            chain(
                PKI.agent("new")
                    .validity(now.plus(Duration.ofHours(3)), now.plus(Duration.ofDays(30)))
                    .build(),
                PKI.intermediate()),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "expired intermediate",
            chain(
                HeldCertificate.builder()
                    .commonName("a")
                    .signedBy(expiredIntermediate)
                    .purpose(Purpose.CLIENT_AUTH)
                    .build(),
                expiredIntermediate),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "not yet valid intermediate",
            chain(
                HeldCertificate.builder()
                    .commonName("a")
                    .signedBy(futureIntermediate)
                    .purpose(Purpose.CLIENT_AUTH)
                    .build(),
                futureIntermediate),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "CA:FALSE issuer",
            chain(
                HeldCertificate.builder()
                    .commonName("a")
                    .signedBy(caFalse)
                    .purpose(Purpose.CLIENT_AUTH)
                    .build(),
                caFalse),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "issuer without basicConstraints",
            chain(
                HeldCertificate.builder()
                    .commonName("a")
                    .signedBy(noBc)
                    .purpose(Purpose.CLIENT_AUTH)
                    .build(),
                noBc),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "issuer without keyCertSign",
            chain(
                HeldCertificate.builder()
                    .commonName("a")
                    .signedBy(noCertSign)
                    .purpose(Purpose.CLIENT_AUTH)
                    .build(),
                noCertSign),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "pathLen exceeded",
            chain(
                HeldCertificate.builder()
                    .commonName("a")
                    .signedBy(subIntermediate)
                    .purpose(Purpose.CLIENT_AUTH)
                    .build(),
                subIntermediate,
                PKI.intermediate()),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "serverAuth-only client certificate",
            chain(
                HeldCertificate.builder()
                    .commonName("srv")
                    .signedBy(PKI.intermediate())
                    .purpose(Purpose.SERVER_AUTH)
                    .build(),
                PKI.intermediate()),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "first PEM block only",
            chain(server, PKI.intermediate(), PKI.root()),
            List.of(PKI.intermediate().certificate()),
            List.of(),
            serverAuth,
            null,
            false),
        new Scenario(
            "first PEM block, partial chain",
            chain(server, PKI.intermediate(), PKI.root()),
            List.of(PKI.intermediate().certificate()),
            List.of(),
            serverAuth,
            null,
            true),
        new Scenario(
            "hostname mismatch",
            chain(server, PKI.intermediate()),
            anchors,
            List.of(),
            serverAuth,
            "other.example",
            false),
        new Scenario(
            "IP mismatch",
            chain(server, PKI.intermediate()),
            anchors,
            List.of(),
            serverAuth,
            "10.1.2.3",
            false),
        new Scenario(
            "IP match",
            chain(ipServer, PKI.intermediate()),
            anchors,
            List.of(),
            serverAuth,
            "127.0.0.1",
            false),
        new Scenario(
            "CRLs current for every CA",
            chain(AGENT, PKI.intermediate()),
            anchors,
            List.of(crl(PKI.intermediate()), crl(PKI.root())),
            client,
            null,
            false),
        new Scenario(
            "revoked",
            chain(revoked, PKI.intermediate()),
            anchors,
            List.of(crl(PKI.intermediate(), revoked), crl(PKI.root())),
            client,
            null,
            false),
        new Scenario(
            "CRL expired",
            chain(AGENT, PKI.intermediate()),
            anchors,
            List.of(
                crl(
                    PKI.intermediate(),
                    now.minus(Duration.ofDays(10)),
                    now.minus(Duration.ofDays(3))),
                crl(PKI.root())),
            client,
            null,
            false),
        new Scenario(
            "CRL missing for the intermediate",
            chain(AGENT, PKI.intermediate()),
            anchors,
            List.of(crl(PKI.root())),
            client,
            null,
            false),
        new Scenario(
            "CRL signed by another key",
            chain(AGENT, PKI.intermediate()),
            anchors,
            List.of(
                crl(TestPki.create("Keylime Root", "Keylime Intermediate").intermediate()),
                crl(PKI.root())),
            client,
            null,
            false),
        new Scenario(
            "SHA-1 signature",
            chain(
                PKI.agent("sha1").signatureAlgorithm("SHA1withECDSA").build(), PKI.intermediate()),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "RSA-1024 leaf",
            chain(
                PKI.agent("rsa").keyType(HeldCertificate.KeyType.RSA_1024).build(),
                PKI.intermediate()),
            anchors,
            List.of(),
            client,
            null,
            false),
        new Scenario(
            "unknown critical extension",
            chain(PKI.agent("crit").unknownCriticalExtension().build(), PKI.intermediate()),
            anchors,
            List.of(),
            client,
            null,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void engineNamesTheErrorOpensslReports(Scenario s) throws Exception {
    assumeTrue(opensslAvailable(), "no openssl binary on PATH");
    ChainDiagnosis diagnosis =
        ChainAnalyzer.builder()
            .trustAnchors(s.anchors())
            .crls(s.crls())
            .purpose(s.purpose())
            .partialChain(s.partialChain())
            .build()
            .analyze(s.presented(), Instant.now(), Optional.ofNullable(s.host()));
    Optional<String> openssl = opensslVerify(s);

    // "code at depth: text", the way openssl prints it; depth = the failing certificate's place on
    // the path.
    Optional<String> claimed =
        diagnosis
            .failure()
            .flatMap(
                f ->
                    f.openssl()
                        .map(e -> e.code() + " at " + depth(diagnosis, f) + ": " + e.text()));
    assertThat(claimed).as("%s: engine says %s", s.name(), diagnosis.summary()).isEqualTo(openssl);
  }

  private static int depth(ChainDiagnosis diagnosis, Failure failure) {
    String sha256 = failure.certificate().orElseThrow().sha256();
    for (int i = 0; i < diagnosis.path().size(); i++) {
      if (diagnosis.path().get(i).sha256().equals(sha256)) {
        return i;
      }
    }
    throw new AssertionError(
        failure.certificate().get().shortName() + " is not on the path " + diagnosis.path());
  }

  private Optional<String> opensslVerify(Scenario s) throws IOException, InterruptedException {
    Path leaf = write("leaf.pem", s.presented().subList(0, 1));
    Path untrusted = write("untrusted.pem", s.presented().subList(1, s.presented().size()));
    Path anchors = write("anchors.pem", s.anchors());
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "verify",
                "-auth_level",
                "2",
                "-CAfile",
                anchors.toString(),
                "-purpose",
                s.purpose() == io.chainsight.core.diagnose.Purpose.CLIENT_AUTH
                    ? "sslclient"
                    : "sslserver"));
    if (s.presented().size() > 1) {
      command.addAll(List.of("-untrusted", untrusted.toString()));
    }
    if (!s.crls().isEmpty()) {
      StringBuilder pem = new StringBuilder();
      s.crls().forEach(c -> pem.append(Pem.encode(c)));
      Path crls = dir.resolve("crls.pem");
      Files.writeString(crls, pem, StandardCharsets.US_ASCII);
      command.addAll(List.of("-crl_check_all", "-CRLfile", crls.toString()));
    }
    if (s.partialChain()) {
      command.add("-partial_chain");
    }
    if (s.host() != null) {
      command.addAll(
          List.of(
              HostNameCheck.isIpLiteral(s.host()) ? "-verify_ip" : "-verify_hostname", s.host()));
    }
    command.add(leaf.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Matcher error = ERROR.matcher(output);
    if (error.find()) {
      return Optional.of(error.group(1) + " at " + error.group(2) + ": " + error.group(3).trim());
    }
    assertThat(output).as("openssl verify output").contains(": OK");
    return Optional.empty();
  }

  private Path write(String name, List<X509Certificate> certificates) throws IOException {
    StringBuilder pem = new StringBuilder();
    certificates.forEach(c -> pem.append(Pem.encode(c)));
    Path file = dir.resolve(name);
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
    return file;
  }

  private static boolean opensslAvailable() {
    try {
      return new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
