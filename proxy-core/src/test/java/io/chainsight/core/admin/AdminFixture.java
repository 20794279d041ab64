package io.chainsight.core.admin;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

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

  /**
   * The PKI's server and agent certificates, these CAs and this server leaf as a {@link TestPki}.
   */
  final TestPki pki = TestPki.of(root, intermediate, server);

  HeldCertificate.Builder serverBuilder() {
    return TestPki.registrar(intermediate);
  }

  /**
   * The served chain (leaf, intermediate, root), its key and the trust bundle (intermediate, root)
   * as files.
   */
  TestPki.ServerFiles write(Path dir, HeldCertificate leaf) {
    return pki.writeServerFiles(dir, leaf);
  }

  /**
   * The proxy in front of {@code backendPort}, client certificates required, the admin listener as
   * given.
   */
  static ChainsightConfig config(TestPki.ServerFiles files, int backendPort, AdminSettings admin) {
    return TestConfig.serving(files).backendPort(backendPort).admin(admin).build();
  }

  static AdminSettings loopbackAdmin(Optional<String> token) {
    return new AdminSettings(true, "127.0.0.1", 0, token);
  }

  /**
   * A TLS client trusting this PKI's root, presenting {@code client} (with the intermediate) or
   * nothing.
   */
  SSLContext clientContext(HeldCertificate client) {
    return pki.clientContext(client, intermediate);
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
