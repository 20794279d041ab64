package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.testing.Eventually;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RequestLoad;
import io.chainsight.core.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Certificates rotate under load: no request fails, and the new certificate is served within 2 s.
 */
class ReloadIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private final TestPki pki = proxy.pki();
  private final Path dir = proxy.dir();

  @Test
  void twentyRotationsUnderLoadDropNoRequestAndAreServedWithinTwoSeconds() throws Exception {
    // live -> gen-0/ : the Kubernetes layout; the config names files through the symlink.
    Path live = dir.resolve("live");
    Files.createSymbolicLink(live, writeGeneration(0, leaf(0)).getFileName());
    Files.writeString(
        dir.resolve("trusted-cas.pem"),
        pki.intermediate().certificatePem() + pki.root().certificatePem());
    start(live.resolve("chain.pem"), live.resolve("key.pem"));

    RequestLoad load = RequestLoad.keepAlive("load", proxy.client(), proxy.uri("/version"));
    try {
      for (int i = 1; i <= 20; i++) {
        HeldCertificate next = leaf(i);
        switch (i % 3) {
          case 0: // in place
            Files.writeString(live.resolve("chain.pem"), chainPem(next));
            Files.writeString(live.resolve("key.pem"), next.privateKeyPem());
            break;
          case 1:
            { // editor style: write aside, rename over
              Path target = live.toRealPath();
              Files.writeString(target.resolve("chain.pem.tmp"), chainPem(next));
              Files.writeString(target.resolve("key.pem.tmp"), next.privateKeyPem());
              Files.move(
                  target.resolve("key.pem.tmp"),
                  target.resolve("key.pem"),
                  StandardCopyOption.ATOMIC_MOVE);
              Files.move(
                  target.resolve("chain.pem.tmp"),
                  target.resolve("chain.pem"),
                  StandardCopyOption.ATOMIC_MOVE);
              break;
            }
          default:
            { // Kubernetes: a new directory, then swap the symlink atomically
              Path generation = writeGeneration(i, next);
              Path link = dir.resolve("live.tmp");
              Files.createSymbolicLink(link, generation.getFileName());
              Files.move(
                  link, live, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        awaitServedSerial(
            next.certificate().getSerialNumber(), Duration.ofSeconds(2), "rotation " + i);
      }
    } finally {
      load.stop();
    }
    assertThat(load.failure()).as("a request failed during the rotations").isNull();
    assertThat(load.answered()).isGreaterThan(20);
  }

  @Test
  void brokenReplacementIsRefusedAndTheOldCertificateKeepsServing() throws Exception {
    HeldCertificate first = leaf(0);
    Path generation = writeGeneration(0, first);
    Files.writeString(
        dir.resolve("trusted-cas.pem"),
        pki.intermediate().certificatePem() + pki.root().certificatePem());
    start(generation.resolve("chain.pem"), generation.resolve("key.pem"));

    // A new certificate whose key file was not updated: the key does not match.
    Files.writeString(generation.resolve("chain.pem"), chainPem(leaf(1)));
    Thread.sleep(2_000);

    assertThat(servedSerial()).isEqualTo(first.certificate().getSerialNumber());
    assertThat(proxy.server().lastRefusedReload()).isPresent();
    assertThat(proxy.server().lastRefusedReload().get().problems())
        .singleElement()
        .asString()
        .contains("tls.private-key")
        .contains("does not match");
    assertThat(
            proxy
                .server()
                .metrics()
                .registry()
                .counter("chainsight_reloads_total.result.failed")
                .getCount())
        .isPositive();
  }

  private void start(Path chain, Path key) throws Exception {
    proxy.start(
        config -> config.certificate(chain, key).trustedCas(dir.resolve("trusted-cas.pem")));
  }

  private HeldCertificate leaf(int generation) {
    return HeldCertificate.builder()
        .commonName("registrar.keylime.test")
        .signedBy(pki.intermediate())
        .purpose(Purpose.SERVER_AUTH)
        .addSubjectAlternativeName("localhost")
        .serial(BigInteger.valueOf(1000 + generation))
        .build();
  }

  private String chainPem(HeldCertificate leaf) {
    return leaf.certificatePem()
        + pki.intermediate().certificatePem()
        + pki.root().certificatePem();
  }

  private Path writeGeneration(int number, HeldCertificate leaf) throws Exception {
    Path generation = Files.createDirectories(dir.resolve("gen-" + number));
    Files.writeString(generation.resolve("chain.pem"), chainPem(leaf));
    Files.writeString(generation.resolve("key.pem"), leaf.privateKeyPem());
    return generation;
  }

  private void awaitServedSerial(BigInteger expected, Duration within, String what)
      throws Exception {
    Eventually.observes(expected, within, what + ", the serial served", this::servedSerial);
  }

  private BigInteger servedSerial() throws Exception {
    SSLContext context = proxy.agentContext();
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", proxy.port())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
