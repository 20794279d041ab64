package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RawTlsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP/1.1 framing across the proxy, driven byte by byte over a raw TLS socket. */
class ExchangeIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private RawTlsClient connect(Duration responseTimeout) throws Exception {
    proxy.start(config -> config.responseTimeout(responseTimeout));
    return proxy.raw();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawTlsClient client = connect(Duration.ofSeconds(60))) {
      client.send(
          "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      String all = client.readUntilClosed();
      assertThat(all.indexOf("GET /first")).isLessThan(all.indexOf("GET /second"));
      assertThat(all.indexOf("GET /second")).isLessThan(all.indexOf("GET /third"));
      assertThat(all.split("HTTP/1.1 200", -1)).hasSize(4);
    }
  }

  @Test
  void chunkedRequestBodyIsForwardedWhole() throws Exception {
    try (RawTlsClient client = connect(Duration.ofSeconds(60))) {
      client.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      String response = client.readUntilClosed();
      assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello world");
      assertThat(new String(proxy.backend().last().body(), StandardCharsets.UTF_8))
          .isEqualTo("hello world");
    }
  }

  @Test
  void backendThatDoesNotAnswerInTimeGives504() throws Exception {
    try (RawTlsClient client = connect(Duration.ofMillis(500))) {
      client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      String response = client.readUntilClosed();
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
    try (RawTlsClient client = connect(Duration.ofSeconds(60))) {
      client.send(
          "HEAD /version HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      String all = client.readUntilClosed();
      assertThat(all.split("HTTP/1.1 200", -1)).hasSize(3);
      assertThat(all)
          .containsOnlyOnce("\"saw\": \"GET /version\"")
          .doesNotContain("HEAD /version\"}");
    }
  }

  @Test
  void http10ClientWithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
    try (RawTlsClient client = connect(Duration.ofSeconds(60))) {
      client.send("GET /version HTTP/1.0\r\nHost: x\r\n\r\n");
      String response = client.readUntilClosed();
      assertThat(response).contains(" 200 ").contains("connection: close").endsWith("}");
    }
  }
}
