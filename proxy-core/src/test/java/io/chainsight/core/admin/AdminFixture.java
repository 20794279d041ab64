package io.chainsight.core.admin;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.testing.ProxyFixture;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PKI whose certificates expire at known distances (leaf 45 days, intermediate 400, root 3650,
 * each plus half a day so whole days left are unambiguous), its files, configs with the admin
 * listener on, and an HTTP client.
 */
final class AdminFixture {
  static final int LEAF_DAYS = 45;
  static final int INTERMEDIATE_DAYS = 400;
  static final int ROOT_DAYS = 3650;

  final Instant made = Instant.now();
  final HeldCertificate root =
      HeldCertificate.builder()
          .subject("CN=admin test root")
          .certificateAuthority(1)
          .validity(made.minus(Duration.ofHours(1)), expiry(ROOT_DAYS))
          .build();
  final HeldCertificate intermediate =
      HeldCertificate.builder()
          .subject("CN=admin test intermediate")
          .certificateAuthority(0)
          .signedBy(root)
          .validity(made.minus(Duration.ofHours(1)), expiry(INTERMEDIATE_DAYS))
          .build();
  final HeldCertificate server =
      serverBuilder().validity(made.minus(Duration.ofHours(1)), expiry(LEAF_DAYS)).build();
  final HeldCertificate agent =
      HeldCertificate.builder()
          .commonName("agent-1")
          .signedBy(intermediate)
          .purpose(Purpose.CLIENT_AUTH)
          .build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Instant expiry(int days) {
    return made.plus(Duration.ofDays(days)).plus(Duration.ofHours(12));
  }

  HeldCertificate.Builder serverBuilder() {
    return HeldCertificate.builder()
        .subject("CN=registrar.keylime.test")
        .signedBy(intermediate)
        .purpose(Purpose.SERVER_AUTH)
        .addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1");
  }

  /**
   * The served chain (leaf, intermediate, root), its key and the trust bundle (intermediate, root)
   * as files.
   */
  TestPki.ServerFiles write(Path dir, HeldCertificate leaf) {
    try {
      Path chain =
          Files.writeString(
              dir.resolve("server-chain.pem"),
              leaf.certificatePem() + intermediate.certificatePem() + root.certificatePem());
      Path key = Files.writeString(dir.resolve("server-key.pem"), leaf.privateKeyPem());
      Path trust =
          Files.writeString(
              dir.resolve("trusted-cas.pem"),
              intermediate.certificatePem() + root.certificatePem());
      Path rootCa = Files.writeString(dir.resolve("root-ca.pem"), root.certificatePem());
      return new TestPki.ServerFiles(chain, key, trust, rootCa);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The proxy in front of {@code backendPort}, client certificates required, the admin listener as
   * given.
   */
  static ChainsightConfig config(TestPki.ServerFiles files, int backendPort, AdminSettings admin) {
    TlsSettings tls = ProxyFixture.tls(files, ClientAuth.REQUIRE);
    ChainsightConfig base =
        ProxyFixture.config(tls, ProxyFixture.backend(backendPort, Duration.ofSeconds(60)));
    return new ChainsightConfig(
        base.listen(),
        base.tls(),
        base.backend(),
        base.limits(),
        base.shutdown(),
        admin,
        base.diagnostics(),
        base.log(),
        base.allow(),
        base.routes(),
        base.source());
  }

  static AdminSettings loopbackAdmin(Optional<String> token) {
    return new AdminSettings(true, "127.0.0.1", 0, token);
  }

  /**
   * A TLS client trusting this PKI's root, presenting {@code client} (with the intermediate) or
   * nothing.
   */
  SSLContext clientContext(HeldCertificate client) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", root.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      if (client != null) {
        keys.setKeyEntry(
            "client",
            client.privateKey(),
            "pw".toCharArray(),
            new X509Certificate[] {client.certificate(), intermediate.certificate()});
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keys, "pw".toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the test client's SSLContext", e);
    }
  }

  HttpResponse<String> send(URI uri, String method, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Polls until the condition holds, failing with {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
