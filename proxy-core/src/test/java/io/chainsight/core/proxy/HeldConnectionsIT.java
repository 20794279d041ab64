package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RawTlsClient;
import io.chainsight.core.testing.ResponseReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of agents connected at once and saying nothing (a fleet after a registrar restart, or a
 * slow-drip attacker): each connection costs the proxy a socket and a TLS session, but must not
 * stop it serving.
 */
class HeldConnectionsIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private static final int HELD = 2_000;

  private final List<SSLSocket> held = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    held.forEach(
        socket -> {
          try {
            socket.close();
          } catch (IOException e) {
            // Closing our own socket: nothing to learn from a failure here.
          }
        });
  }

  @Test
  void twoThousandIdleMtlsConnectionsLeaveTheProxyServingThemAndNewClients() throws Exception {
    SSLContext agent = proxy.agentContext();
    // Every connection comes from 127.0.0.1, so limits.max-connections-per-ip (512 by default) is
    // raised past
    // HELD here; limits.idle-timeout is raised past the test's length so that no held connection is
    // closed as idle.
    LimitsSettings limits =
        new LimitsSettings(
            8 * 1024,
            16 * 1024,
            100,
            16 * 1024 * 1024,
            Duration.ofSeconds(10),
            Duration.ofMinutes(5),
            10_000,
            HELD + 100);
    proxy.start(config -> config.limits(limits));
    int port = proxy.port();

    long start = System.nanoTime();
    openHeldConnections(agent, port);
    System.out.printf(
        "HeldConnectionsIT: %d mTLS connections open after %d ms%n",
        held.size(), (System.nanoTime() - start) / 1_000_000);
    assertThat(proxy.server().metrics().clientConnections().getCount()).isEqualTo(HELD);

    try (RawTlsClient fresh = RawTlsClient.connect(agent, port)) {
      assertThat(
              fresh
                  .send("GET /version HTTP/1.1\r\nHost: registrar\r\nConnection: close\r\n\r\n")
                  .readUntilClosed())
          .startsWith("HTTP/1.1 200 ");
    }
    // A sample across the ones opened first and last: still open at the proxy, and still served.
    for (int i = 0; i < HELD; i += HELD / 20) {
      SSLSocket socket = held.get(i);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /version HTTP/1.1\r\nHost: registrar\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(ResponseReader.readOne(socket.getInputStream(), false))
          .as("held connection %d", i)
          .isEqualTo(200);
    }
    assertThat(proxy.server().metrics().connectionsRefused("per-ip")).isZero();
    assertThat(proxy.server().metrics().clientConnections().getCount()).isEqualTo(HELD);
  }

  @Test
  void connectionIdleSinceItsHandshakeIsClosedAtTheIdleTimeoutWithout408() throws Exception {
    // The read that ends the handshake once started the request-header clock, so every idle new
    // connection got a
    // 408 after request-header-timeout (here 200 ms) instead of a quiet close after idle-timeout
    // (here 1 s).
    LimitsSettings limits =
        new LimitsSettings(
            8 * 1024,
            16 * 1024,
            100,
            16 * 1024 * 1024,
            Duration.ofMillis(200),
            Duration.ofSeconds(1),
            10_000,
            512);
    proxy.start(config -> config.limits(limits));

    try (RawTlsClient idle = proxy.raw()) {
      long start = System.nanoTime();
      assertThat(idle.readUntilClosed()).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(800));
    }
    assertThat(proxy.server().metrics().rejections("header-timeout")).isZero();
  }

  private void openHeldConnections(SSLContext agent, int port) throws Exception {
    ExecutorService openers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> opened = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        opened.add(openers.submit(() -> held.add(handshake(agent, port))));
      }
      for (Future<?> future : opened) {
        future.get();
      }
    } finally {
      openers.shutdownNow();
    }
  }

  private static SSLSocket handshake(SSLContext agent, int port) {
    try {
      SSLSocket socket = (SSLSocket) agent.getSocketFactory().createSocket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "a new mTLS connection to the proxy failed while others were held open", e);
    }
  }
}
