package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RawTlsClient;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Regressions for bugs a review found; each test failed before its fix. */
class ReviewRegressionIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private final TestPki pki = proxy.pki();
  private final HeldCertificate agent = proxy.agent();

  /**
   * A backend that answers the n-th request head on a connection with script.apply(n) and then
   * closes if null.
   */
  static final class RawBackend implements AutoCloseable {
    final ServerSocket server;
    final Thread thread;

    RawBackend(Function<Integer, String> script, boolean closeAfterFirst) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket s = server.accept();
                    new Thread(() -> serve(s, script, closeAfterFirst)).start();
                  }
                } catch (IOException ignored) {
                  // closed
                }
              });
      thread.setDaemon(true);
      thread.start();
    }

    private static void serve(Socket s, Function<Integer, String> script, boolean closeAfterFirst) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        for (int n = 0; ; n++) {
          if (!readHead(in)) {
            return;
          }
          out.write(script.apply(n).getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (closeAfterFirst) {
            return;
          }
        }
      } catch (IOException ignored) {
        // done
      }
    }

    private static boolean readHead(InputStream in) throws IOException {
      int state = 0;
      int b;
      while ((b = in.read()) != -1) {
        state =
            (b == '\r' && (state == 0 || state == 2))
                ? state + 1
                : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        if (state == 4) {
          return true;
        }
      }
      return false;
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private RawTlsClient client(int port) throws Exception {
    RawTlsClient client = RawTlsClient.connect(proxy.agentContext(), port);
    client.setTimeoutMillis(5_000);
    return client;
  }

  private void startProxy(int backendPort, LimitsSettings limits) throws Exception {
    proxy.start(config -> config.backendPort(backendPort).limits(limits));
  }

  @Test
  void bytesAfterAResponseNeverBecomeTheNextPipelinedRequestsResponse() throws Exception {
    RawBackend raw =
        new RawBackend(
            n ->
                n == 0
                    ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjected"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond",
            false);
    startProxy(proxy.closeAfter(raw).port(), LimitsSettings.DEFAULTS);
    try (RawTlsClient client = client(proxy.port())) {
      client.send(
          "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      String response = client.readUntilClosed();
      // /b goes to a fresh connection (whose script starts over with "first"); the stray bytes are
      // dropped with
      // the connection that sent them.
      assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(3);
      assertThat(response).doesNotContain("injected");
    }
  }

  @Test
  void refusedConnectionsLeaveTheOpenConnectionsGaugeRight() throws Exception {
    startProxy(
        proxy.backend().port(),
        new LimitsSettings(
            8 * 1024,
            16 * 1024,
            100,
            1024 * 1024,
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            1,
            512));
    int port = proxy.port();
    try (RawTlsClient first = client(port)) {
      for (int i = 0; i < 3; i++) {
        try (Socket refused = new Socket("127.0.0.1", port)) {
          refused.setSoTimeout(3000);
          assertThat(refused.getInputStream().read()).isEqualTo(-1);
        }
      }
      Thread.sleep(200);
      assertThat(proxy.server().metrics().clientConnections().getCount()).isEqualTo(1);
    }
  }

  @Test
  void aRejectedClientCannotGetInByResumingItsSession() throws Exception {
    proxy.start(
        config ->
            config
                .clientAuthFailure(TlsSettings.ClientAuthFailure.HTTP)
                .responseTimeout(Duration.ofSeconds(10)));
    java.time.Instant now = java.time.Instant.now();
    HeldCertificate expired =
        pki.agent("old-agent")
            .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
            .build();
    SSLContext context = pki.clientContext(expired, pki.intermediate());
    for (String protocol : new String[] {"TLSv1.2", "TLSv1.2", "TLSv1.3", "TLSv1.3"}) {
      try (RawTlsClient client = RawTlsClient.connect(context, proxy.port(), protocol)) {
        client.setTimeoutMillis(3000);
        client.send("GET /v2.1/agents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(client.readUntilClosed()).as(protocol).startsWith("HTTP/1.1 401");
      }
    }
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void aStalledRequestBodyEndsTheExchange() throws Exception {
    startProxy(
        proxy.backend().port(),
        new LimitsSettings(
            8 * 1024,
            16 * 1024,
            100,
            1024 * 1024,
            Duration.ofSeconds(10),
            Duration.ofMillis(500),
            100,
            512));
    try (RawTlsClient client = client(proxy.port())) {
      client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
      assertThat(client.readUntilClosed()).startsWith("HTTP/1.1 408");
    }
    Thread.sleep(300);
    assertThat(proxy.server().metrics().backendConnections().getCount()).isZero();
  }

  @Test
  void continueComesOnlyAfterTheChecks() throws Exception {
    startProxy(proxy.backend().port(), LimitsSettings.DEFAULTS);
    try (RawTlsClient client = client(proxy.port())) {
      client.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n");
      String response = client.readUntilClosed();
      assertThat(response).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
    }
    try (RawTlsClient client = client(proxy.port())) {
      client.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
              + "Connection: close\r\n\r\n");
      byte[] first = new byte[25];
      int n = client.input().read(first);
      assertThat(new String(first, 0, n, StandardCharsets.ISO_8859_1))
          .startsWith("HTTP/1.1 100 Continue");
      client.send("hello");
      assertThat(client.readUntilClosed()).contains("200 OK").endsWith("hello");
    }
    assertThat(proxy.backend().last().header("expect")).isNull();
  }

  @Test
  void http10ClientGetsACloseDelimitedBodyNotChunks() throws Exception {
    RawBackend raw =
        new RawBackend(n -> "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello", true);
    startProxy(proxy.closeAfter(raw).port(), LimitsSettings.DEFAULTS);
    try (RawTlsClient client = client(proxy.port())) {
      client.send("GET /x HTTP/1.0\r\nHost: x\r\n\r\n");
      String response = client.readUntilClosed();
      assertThat(response)
          .startsWith("HTTP/1.1 200")
          .doesNotContainIgnoringCase("transfer-encoding")
          .endsWith("hello");
    }
  }

  @Test
  void connectionHeaderCannotStripHost() throws Exception {
    startProxy(proxy.backend().port(), LimitsSettings.DEFAULTS);
    try (RawTlsClient client = client(proxy.port())) {
      client.send("GET /version HTTP/1.1\r\nHost: registrar\r\nConnection: host, close\r\n\r\n");
      client.readUntilClosed();
    }
    assertThat(proxy.backend().last().header("host")).isEqualTo("registrar");
  }
}
