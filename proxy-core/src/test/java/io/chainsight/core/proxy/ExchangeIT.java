package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.ProxyExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP/1.1 framing across the proxy, driven byte by byte over a raw TLS socket. */
class ExchangeIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private SSLSocket connect(Duration responseTimeout) throws Exception {
    proxy.start(config -> config.responseTimeout(responseTimeout));
    SSLSocket socket =
        (SSLSocket) proxy.agentContext().getSocketFactory().createSocket("127.0.0.1", proxy.port());
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (SSLSocket socket = connect(Duration.ofSeconds(60))) {
      send(
          socket,
          "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      String all = readToEnd(socket.getInputStream());
      assertThat(all.indexOf("GET /first")).isLessThan(all.indexOf("GET /second"));
      assertThat(all.indexOf("GET /second")).isLessThan(all.indexOf("GET /third"));
      assertThat(all.split("HTTP/1.1 200", -1)).hasSize(4);
    }
  }

  @Test
  void chunkedRequestBodyIsForwardedWhole() throws Exception {
    try (SSLSocket socket = connect(Duration.ofSeconds(60))) {
      send(
          socket,
          "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      String response = readToEnd(socket.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello world");
      assertThat(new String(proxy.backend().last().body(), StandardCharsets.UTF_8))
          .isEqualTo("hello world");
    }
  }

  @Test
  void backendThatDoesNotAnswerInTimeGives504() throws Exception {
    try (SSLSocket socket = connect(Duration.ofMillis(500))) {
      send(socket, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      String response = readToEnd(socket.getInputStream());
      assertThat(response)
          .startsWith("HTTP/1.1 504 Gateway Timeout")
          .contains("connection: close")
          .endsWith(
              "{\"code\": 504, \"status\": \"Gateway Timeout: backend 127.0.0.1:"
                  + proxy.backend().port()
                  + " did not respond within 500ms (backend.response-timeout)\", \"results\": {}}\n");
      assertThat(proxy.server().metrics().backendErrors("timeout")).isEqualTo(1);
    }
  }

  @Test
  void headResponseHasNoBody() throws Exception {
    try (SSLSocket socket = connect(Duration.ofSeconds(60))) {
      send(
          socket,
          "HEAD /version HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      String all = readToEnd(socket.getInputStream());
      assertThat(all.split("HTTP/1.1 200", -1)).hasSize(3);
      assertThat(all)
          .containsOnlyOnce("\"saw\": \"GET /version\"")
          .doesNotContain("HEAD /version\"}");
    }
  }

  @Test
  void http10ClientWithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
    try (SSLSocket socket = connect(Duration.ofSeconds(60))) {
      send(socket, "GET /version HTTP/1.0\r\nHost: x\r\n\r\n");
      String response = readToEnd(socket.getInputStream());
      assertThat(response).contains(" 200 ").contains("connection: close").endsWith("}");
    }
  }

  private static void send(SSLSocket socket, String bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /**
   * Everything until the proxy closes the connection (every test ends with a request that closes).
   */
  private static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) != -1) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the proxy did not close the connection; got so far:\n" + all, e);
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }
}
