package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.ForwardedRequests;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RawTlsClient;
import io.chainsight.core.testing.RecordingBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inputs {@link HostileInputIT} found getting past the proxy, cut down to what matters and replayed
 * on every run. Each made the backend stand-in (the JDK's HttpServer) get something other than what
 * the proxy checked: an HTTP/1.1 request without Host, a Transfer-Encoding list it refuses or reads
 * by its first value, trailer fields it does not read (so they would start the next request), a
 * target re-encoded from ISO-8859-1 to UTF-8.
 */
class FuzzFindingsIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private RawTlsClient connect() throws Exception {
    proxy.start();
    return proxy.raw();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      HTTP/0.9 without Host      | 505 | POST /echo HTTP/0.9\\r\\nContent-Length: 5\\r\\n\\r\\nhello
      HTTP/2.0 on the 1.1 wire   | 505 | GET /version HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n
      HTTP/1.0 without Host      | 400 | GET /version HTTP/1.0\\r\\n\\r\\n
      raw byte 0xf2 in target    | 400 | GET /ve\u00f2sion HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n
      TE identity then chunked   | 501 | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: identity, chunked\\r\\n\\r\\n5\\r\\nhello\\r\\n0\\r\\n\\r\\n
      TE gzip then chunked       | 501 | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n5\\r\\nhello\\r\\n0\\r\\n\\r\\n
      TE on two lines            | 501 | POST /echo HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: identity\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5\\r\\nhello\\r\\n0\\r\\n\\r\\n
      """)
  void requestTheBackendWouldReadDifferentlyIsRefused(String name, int status, String request)
      throws Exception {
    try (RawTlsClient client = connect()) {
      assertThat(client.send(unescape(request)).readUntilClosed())
          .as(name)
          .startsWith("HTTP/1.1 " + status + " ");
    }
    assertThat(proxy.backend().received()).as(name).isEmpty();
  }

  @Test
  void trailerFieldsAreNotForwarded() throws Exception {
    // A trailer line that is also a request line: a backend that does not read trailers takes it
    // for the next
    // request on the connection, one the proxy never saw.
    try (RawTlsClient client = connect()) {
      String response =
          client
              .send(
                  "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                      + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\nGET: /smuggled HTTP/1.1\r\n\r\n")
              .readUntilClosed();
      assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("hello");
    }
    // Give a smuggled request the time to arrive; the good request that follows goes over the same
    // backend
    // connection, so the backend has read whatever the first exchange left on it by the time it
    // answers.
    try (RawTlsClient client = RawTlsClient.connect(proxy.agentContext(), proxy.port())) {
      assertThat(
              client
                  .send("GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .readUntilClosed())
          .startsWith("HTTP/1.1 200 ");
    }
    assertThat(proxy.backend().received())
        .extracting(RecordingBackend.Received::target)
        .containsExactly("/echo", "/version");
    assertThat(proxy.backend().received())
        .allSatisfy(r -> assertThat(ForwardedRequests.problems(r)).isEmpty());
  }

  private static String unescape(String text) {
    return text.replace("\\r", "\r").replace("\\n", "\n");
  }
}
