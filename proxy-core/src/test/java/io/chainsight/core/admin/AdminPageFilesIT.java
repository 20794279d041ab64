package io.chainsight.core.admin;

import static io.chainsight.core.admin.TestJson.list;
import static io.chainsight.core.admin.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.ProxyExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin page's files, /history and the lint's certificate positions over plain HTTP (the page
 * itself in a browser: AdminPageIT).
 */
class AdminPageFilesIT {
  private static final String BROWSER_ACCEPT =
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

  private static final AdminFixture pki = new AdminFixture();

  @RegisterExtension final ProxyExtension proxy = new ProxyExtension(pki.pki);
  private final HttpClient http = HttpClient.newHttpClient();

  private void start(Optional<String> token) throws Exception {
    proxy.start(config -> config.admin(AdminFixture.loopbackAdmin(token)));
  }

  private HttpResponse<String> get(String path, String accept, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + proxy.server().adminAddress().orElseThrow().getPort()
                        + path))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", accept);
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

  @Test
  void aBrowserAtTheRootGetsThePageUnderAStrictContentSecurityPolicy() throws Exception {
    start(Optional.empty());

    HttpResponse<String> page = get("/", BROWSER_ACCEPT, null);
    HttpResponse<String> script = get("/ui/admin.js", "*/*", null);
    HttpResponse<String> style = get("/ui/admin.css", "text/css,*/*;q=0.1", null);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .contains(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.body()).contains("<script src=\"ui/admin.js\" defer></script>");
    // Nothing the page loads lives elsewhere (the SVG namespace is a name, never fetched).
    assertThat(
            (page.body() + script.body() + style.body()).replace("http://www.w3.org/2000/svg", ""))
        .doesNotContain("http://", "https://");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .contains("text/javascript; charset=utf-8");
    assertThat(style.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
  }

  @Test
  void curlAtTheRootStillGetsTheListOfEndpoints() throws Exception {
    start(Optional.empty());

    HttpResponse<String> root = get("/", "*/*", null);

    assertThat(root.statusCode()).isEqualTo(404);
    assertThat(list(TestJson.parse(root.body()).get("endpoints")))
        .extracting(e -> object(e).get("path"))
        .contains("/history", "/certs");
  }

  @Test
  void withATokenThePageFilesNeedNoneAndEveryEndpointStillDoes() throws Exception {
    start(Optional.of("s3cret"));

    assertThat(get("/", BROWSER_ACCEPT, null).statusCode()).isEqualTo(200);
    assertThat(get("/ui/admin.js", "*/*", null).statusCode()).isEqualTo(200);
    assertThat(get("/ui/icon.svg", "*/*", null).statusCode()).isEqualTo(200);
    for (String path : List.of("/", "/certs", "/history", "/debug/handshakes", "/ui/other.js")) {
      assertThat(get(path, "*/*", null).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(get("/history", "*/*", "s3cret").statusCode()).isEqualTo(200);
  }

  @Test
  void withoutATokenARequestNamingAnotherHostIsRefused() throws Exception {
    start(Optional.empty());

    String rebound = raw("GET /config HTTP/1.1\r\nHost: rebind.attacker.example:9901\r\n\r\n");
    String local = raw("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

    assertThat(rebound)
        .startsWith("HTTP/1.1 403 Forbidden")
        .contains("Host: rebind.attacker.example:9901 is not an address of this admin endpoint");
    assertThat(local).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void withATokenAnyHostNameIsFine() throws Exception {
    start(Optional.of("s3cret"));

    assertThat(
            raw(
                "GET /healthz HTTP/1.1\r\nHost: admin.example.org\r\n"
                    + "Authorization: Bearer s3cret\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK");
  }

  /** One request as written, the answer as read until the server closes or 5 s pass. */
  private String raw(String request) throws IOException {
    try (Socket socket =
        new Socket("127.0.0.1", proxy.server().adminAddress().orElseThrow().getPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
          answer.write(buffer, 0, n);
          if (answer.toString(StandardCharsets.UTF_8).contains("}\n")) {
            break; // a keep-alive JSON answer is complete
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        // What was read is the answer.
      }
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void historyCountsThisMinutesFailedHandshakeByReason() throws Exception {
    start(Optional.empty());
    try (SSLSocket socket =
        (SSLSocket)
            pki.clientContext(null).getSocketFactory().createSocket("localhost", proxy.port())) {
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      socket.getInputStream().read();
    } catch (IOException refused) {
      // No client certificate: the proxy refuses, and counts it.
    }
    AdminFixture.await(
        "the failure counted",
        Duration.ofSeconds(10),
        () -> proxy.server().metrics().handshakeFailures("NO_CLIENT_CERTIFICATE") == 1);

    Map<String, Object> json = TestJson.parse(get("/history", "*/*", null).body());
    String text = get("/history?format=text", "*/*", null).body();

    assertThat(json).containsEntry("bucketSeconds", 60);
    List<Object> minutes = list(json.get("minutes"));
    Map<String, Object> now = object(minutes.get(minutes.size() - 1));
    assertThat(now).containsEntry("partial", true);
    Map<String, Object> failed = object(list(now.get("handshakeFailures")).get(0));
    assertThat(object(failed.get("labels"))).containsEntry("reason", "NO_CLIENT_CERTIFICATE");
    assertThat(failed).containsEntry("count", 1);
    assertThat(list(now.get("handshakes")))
        .extracting(
            c -> object(object(c).get("labels")).get("result") + "=" + object(c).get("count"))
        .containsExactly("failure=1");
    assertThat(text).containsPattern("handshakeFailures (listener/)?NO_CLIENT_CERTIFICATE=1");
  }

  @Test
  void eachLintFindingNamesTheCertificateItIsAbout() throws Exception {
    start(Optional.empty());

    List<Object> findings =
        list(object(TestJson.parse(get("/certs", "*/*", null).body()).get("lint")).get("findings"));

    Map<Object, Object> byCheck = new java.util.HashMap<>();
    findings.forEach(f -> byCheck.put(object(f).get("check"), object(f).get("certificate")));
    assertThat(byCheck)
        .containsEntry("key", 1)
        .containsEntry("host", 1)
        .containsEntry("root", 3)
        .containsEntry("order", null)
        .containsEntry("signature", null);
  }
}
