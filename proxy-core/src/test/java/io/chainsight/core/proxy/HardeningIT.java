package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RawTlsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests that must never reach the backend: each gets its status, the connection closes, nothing
 * is sent.
 */
class HardeningIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private RawTlsClient connect(LimitsSettings limits) throws Exception {
    proxy.start(config -> config.limits(limits));
    return proxy.raw();
  }

  private RawTlsClient connect() throws Exception {
    return connect(LimitsSettings.DEFAULTS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      CL.TE            | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 6\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\nG
      TE.CL            | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 3\\r\\n\\r\\n8\\r\\nSMUGGLED\\r\\n0\\r\\n\\r\\n
      TE.TE obfuscated | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: x\\r\\n\\r\\n0\\r\\n\\r\\n
      TE not chunked   | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\nabc
      duplicate CL     | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd
      CL list          | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3, 3\\r\\n\\r\\nabc
      space before colon | GET /version HTTP/1.1\\r\\nHost: x\\r\\nX-Evil : 1\\r\\n\\r\\n
      obs-fold         | GET /version HTTP/1.1\\r\\nHost: x\\r\\nX-A: 1\\r\\n  folded\\r\\n\\r\\n
      bad chunk size   | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\nabc\\r\\n0\\r\\n\\r\\n
      no Host          | GET /version HTTP/1.1\\r\\n\\r\\n
      two Hosts        | GET /version HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n
      HTTP/1.0 chunked | POST /echo HTTP/1.0\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
      absolute-form    | GET http://evil.example/version HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n
      NUL in header    | GET /version HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\u0000b\\r\\n\\r\\n
      bare CR          | GET /version HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\rb\\r\\n\\r\\n
      dot segment      | GET /version/../v2.1/agents HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n
      encoded slash    | GET /version%2F..%2Fv2.1/agents HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n
      empty segment    | GET //v2.1/agents HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n
      """)
  void ambiguousOrMalformedRequestIs400AndNeverForwarded(String name, String request)
      throws Exception {
    try (RawTlsClient client = connect()) {
      String response = client.send(unescape(request)).readUntilClosed();
      assertThat(response)
          .as(name)
          .startsWith("HTTP/1.1 400 Bad Request")
          .contains("\"code\": 400");
    }
    assertThat(proxy.backend().received()).as(name).isEmpty();
  }

  @Test
  void connectAndTraceAre405() throws Exception {
    try (RawTlsClient client = connect()) {
      assertThat(client.send("TRACE /version HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed())
          .startsWith("HTTP/1.1 405 Method Not Allowed");
    }
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void overlongRequestLineIs414() throws Exception {
    try (RawTlsClient client = connect()) {
      assertThat(
              client
                  .send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .readUntilClosed())
          .startsWith("HTTP/1.1 414");
    }
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void oversizedHeadersAre431() throws Exception {
    try (RawTlsClient client = connect()) {
      assertThat(
              client
                  .send(
                      "GET /version HTTP/1.1\r\nHost: x\r\nX-Big: "
                          + "b".repeat(17_000)
                          + "\r\n\r\n")
                  .readUntilClosed())
          .startsWith("HTTP/1.1 431");
    }
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void tooManyHeadersAre431() throws Exception {
    StringBuilder request = new StringBuilder("GET /version HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 100; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    try (RawTlsClient client = connect()) {
      assertThat(client.send(request.append("\r\n").toString()).readUntilClosed())
          .startsWith("HTTP/1.1 431")
          .contains("101 header fields (limit: 100, limits.max-headers)");
    }
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void declaredBodyOverTheLimitIs413BeforeAnythingIsSent() throws Exception {
    try (RawTlsClient client = connect()) {
      assertThat(
              client
                  .send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 16777217\r\n\r\n")
                  .readUntilClosed())
          .startsWith("HTTP/1.1 413");
    }
    assertThat(proxy.backend().received()).isEmpty();
    assertThat(proxy.server().metrics().rejections("body")).isEqualTo(1);
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws Exception {
    LimitsSettings small =
        new LimitsSettings(
            8192, 16384, 100, 1024, Duration.ofSeconds(10), Duration.ofSeconds(60), 100, 10);
    try (RawTlsClient client = connect(small)) {
      String chunk = "400\r\n" + "x".repeat(1024) + "\r\n";
      assertThat(
              client
                  .send(
                      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          + chunk
                          + chunk)
                  .readUntilClosed())
          .startsWith("HTTP/1.1 413");
    }
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void requestHeadThatDoesNotArriveInTimeIs408() throws Exception {
    LimitsSettings quick =
        new LimitsSettings(
            8192, 16384, 100, 1024, Duration.ofMillis(300), Duration.ofSeconds(60), 100, 10);
    try (RawTlsClient client = connect(quick)) {
      assertThat(client.send("GET /version HTTP/1.1\r\nHost: x\r\n").readUntilClosed())
          .startsWith("HTTP/1.1 408 Request Timeout");
    }
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void idleKeepAliveConnectionIsClosed() throws Exception {
    LimitsSettings quick =
        new LimitsSettings(
            8192, 16384, 100, 1024, Duration.ofSeconds(10), Duration.ofMillis(300), 100, 10);
    try (RawTlsClient client = connect(quick)) {
      String response = client.send("GET /version HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
      assertThat(response).startsWith("HTTP/1.1 200");
    }
    assertThat(proxy.backend().received()).hasSize(1);
  }

  @Test
  void connectionsPastThePerIpLimitAreClosedAtOnce() throws Exception {
    LimitsSettings two =
        new LimitsSettings(
            8192, 16384, 100, 1024, Duration.ofSeconds(10), Duration.ofSeconds(60), 100, 2);
    try (RawTlsClient first = connect(two);
        RawTlsClient second = RawTlsClient.connect(proxy.agentContext(), proxy.port())) {
      try (java.net.Socket third = new java.net.Socket("127.0.0.1", proxy.port())) {
        third.setSoTimeout(5000);
        assertThat(third.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(proxy.server().metrics().connectionsRefused("per-ip")).isEqualTo(1);
      assertThat(
              second
                  .send("GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .readUntilClosed())
          .startsWith("HTTP/1.1 200");
    }
  }

  private static String unescape(String text) {
    return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000");
  }
}
