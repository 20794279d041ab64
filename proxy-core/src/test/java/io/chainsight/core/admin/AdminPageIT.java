package io.chainsight.core.admin;

import static io.chainsight.core.admin.TestJson.list;
import static io.chainsight.core.admin.TestJson.object;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.HeadlessChromium;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.testing.TlsBackend;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin page in a real headless Chromium, against a running proxy that has seen a good request,
 * an expired client certificate (EXPIRED) and a client that does not trust our chain
 * (CLIENT_REJECTED_OUR_CHAIN, from openssl s_client). Screenshots go to target/admin-page/.
 */
class AdminPageIT {
  private static final Path SCREENSHOTS = Path.of("target", "admin-page");
  private static final String TOKEN = "page-test-token";

  /** The served leaf expires within 14 days: its card, timeline row and lint say so. */
  private static final int LEAF_DAYS = 10;

  private static final AdminFixture pki = new AdminFixture();
  private static HeadlessChromium browser;

  @RegisterExtension final ProxyExtension proxy = new ProxyExtension(pki.pki);

  @BeforeAll
  static void startBrowser() {
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      System.out.println("AdminPageIT ran with Chromium " + browser.version());
      browser.close();
    }
  }

  /**
   * The proxy serving a leaf that expires in {@link #LEAF_DAYS}, with a route ({@code GET
   * /v2.1/agents}) re-encrypted to {@code tlsBackend} when there is one; the admin page's origin.
   */
  private String start(Optional<String> token) throws Exception {
    return start(token, null);
  }

  private String start(Optional<String> token, TlsBackend tlsBackend) throws Exception {
    HeldCertificate leaf =
        pki.serverBuilder()
            .validity(
                pki.made.minus(Duration.ofDays(1)),
                pki.made.plus(Duration.ofDays(LEAF_DAYS)).plus(Duration.ofHours(12)))
            .build();
    TestPki.ServerFiles files =
        pki.write(Files.createDirectories(proxy.dir().resolve("leaf")), leaf);
    List<RouteSettings> routes = new ArrayList<>();
    if (tlsBackend != null) {
      // Our client certificate comes from a CA the backend does not trust: it answers unknown_ca.
      HeldCertificate otherCa =
          HeldCertificate.builder().subject("CN=proxy client CA").certificateAuthority(0).build();
      Path[] client =
          TestPki.writeClientFiles(
              proxy.dir(), "proxy-client", pki.pki.proxyClient().signedBy(otherCa).build());
      Path backendCa =
          Files.writeString(proxy.dir().resolve("backend-ca.pem"), pki.root.certificatePem());
      routes.add(
          TestConfig.httpsRoute(
              "/v2.1/agents", Set.of("GET"), tlsBackend.port(), client, backendCa));
    }
    proxy.start(
        config ->
            config
                .certificate(files.chain(), files.key())
                .routes(routes)
                .admin(AdminFixture.loopbackAdmin(token)));
    return "http://127.0.0.1:" + proxy.server().adminAddress().orElseThrow().getPort();
  }

  @Test
  void drawsTheChainTheExpiryTheFailuresAndEachFailureStepByStep() throws Exception {
    TlsBackend tenantBackend =
        proxy.closeAfter(
            TlsBackend.start(pki.server, List.of(pki.intermediate), pki.root, ClientAuth.REQUIRE));
    String origin = start(Optional.empty(), tenantBackend);
    request(pki.agent);
    request(expiredAgent());
    rejectOurChainWithOpenSsl();
    assertThat(
            proxy
                .client()
                .send(
                    HttpRequest.newBuilder(proxy.uri("/v2.1/agents")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(502);
    Map<String, String> ids =
        awaitFailures(origin, "EXPIRED", "CLIENT_REJECTED_OUR_CHAIN", "BACKEND_REJECTED_OUR_CHAIN");

    browser.open(origin + "/");

    // The served chain: three cards in the order sent, each linked to the next by key id.
    List<WebElement> cards = browser.awaitAll(By.cssSelector("#chain .cert"));
    assertThat(cards)
        .extracting(c -> c.findElement(By.className("subject")).getText())
        .containsExactly(
            "CN=registrar.keylime.test", "CN=admin test intermediate", "CN=admin test root");
    assertThat(browser.driver().findElements(By.cssSelector("#chain .link[data-link=ok]")))
        .hasSize(2);
    WebElement leafCard = cards.get(0);
    assertThat(leafCard.getText()).contains("DNS:localhost, IP:127.0.0.1", "EC 256 bits");
    assertThat(leafCard.findElement(By.className("days")).getText())
        .isEqualTo(LEAF_DAYS + " days left");
    // The lint's expiry warning sits on the leaf's card, not in the list for the chain.
    assertThat(leafCard.findElements(By.cssSelector(".finding.warning[data-check=validity]")))
        .hasSize(1);

    // The timeline: every served and trusted certificate, today marked, the leaf coloured.
    List<WebElement> rows = browser.driver().findElements(By.cssSelector("#timeline g.row"));
    assertThat(rows)
        .extracting(r -> r.getAttribute("data-role") + " " + r.getAttribute("data-days-left"))
        .containsExactly(
            "served " + LEAF_DAYS,
            "served " + AdminFixture.INTERMEDIATE_DAYS,
            "served " + AdminFixture.ROOT_DAYS,
            "trusted " + AdminFixture.INTERMEDIATE_DAYS,
            "trusted " + AdminFixture.ROOT_DAYS);
    assertThat(rows.get(0).getAttribute("class")).contains("warning");
    assertThat(rows.get(1).getAttribute("class")).contains("fine");
    assertThat(browser.driver().findElements(By.cssSelector("#timeline line.today"))).hasSize(1);

    // The failures, filtered by reason. The backend's readiness check meets the same refusal on
    // its own handshake, so that reason may show twice (once per failure id).
    assertThat(failureRows())
        .containsOnly("CLIENT_REJECTED_OUR_CHAIN", "EXPIRED", "BACKEND_REJECTED_OUR_CHAIN");
    assertThat(row(ids.get("BACKEND_REJECTED_OUR_CHAIN")).getText()).contains("backend");
    assertThat(row(ids.get("EXPIRED")).getText()).contains("listener");
    new Select(browser.driver().findElement(By.id("reason-filter"))).selectByValue("EXPIRED");
    assertThat(failureRows()).containsExactly("EXPIRED");
    browser.screenshot(SCREENSHOTS.resolve("overview.png"));

    // EXPIRED opened: the walk stops at the validity step of the agent's certificate.
    row(ids.get("EXPIRED")).click();
    WebElement detail = browser.awaitAll(By.cssSelector("#failure-detail .step.failing")).get(0);
    assertThat(detail.getAttribute("data-check")).isEqualTo("VALIDITY");
    WebElement atFault = browser.driver().findElement(By.cssSelector("#failure-detail .at-fault"));
    assertThat(atFault.getAttribute("data-ref")).isEqualTo("presented[0]");
    assertThat(atFault.findElement(By.className("subject")).getText())
        .isEqualTo("CN=expired-agent");
    assertThat(atFault.findElements(By.cssSelector(".step.failing"))).hasSize(1);
    String explained =
        browser.driver().findElement(By.cssSelector("#failure-detail .explain")).getText();
    assertThat(explained).contains("why", "fix", "OpenSSL", "error 10 \"certificate has expired\"");
    assertThat(browser.driver().findElement(By.id("failure-id")).getAttribute("value"))
        .isEqualTo(ids.get("EXPIRED"));
    assertThat(browser.driver().getCurrentUrl()).endsWith("#failure=" + ids.get("EXPIRED"));
    browser.screenshot(SCREENSHOTS.resolve("expired.png"));

    // CLIENT_REJECTED_OUR_CHAIN opened: the chain we sent, the leaf marked, the alert's causes.
    new Select(browser.driver().findElement(By.id("reason-filter"))).selectByValue("");
    row(ids.get("CLIENT_REJECTED_OUR_CHAIN")).click();
    browser.await(
        "the CLIENT_REJECTED_OUR_CHAIN failure opened",
        d -> !d.findElements(By.cssSelector("#failure-detail [data-walk=sent]")).isEmpty());
    List<WebElement> sent = browser.driver().findElements(By.cssSelector("#failure-detail .cert"));
    assertThat(sent).hasSize(3);
    assertThat(sent.get(0).getAttribute("class")).contains("at-fault");
    assertThat(browser.driver().findElement(By.cssSelector("#failure-detail .explain")).getText())
        .contains("alert received", "unknown_ca (48)");
    assertThat(browser.driver().findElement(By.cssSelector("#failure-detail .causes")).getText())
        .contains("first PEM block");
    browser.screenshot(SCREENSHOTS.resolve("client-rejected.png"));

    // BACKEND_REJECTED_OUR_CHAIN opened: the backend hop, its alert, the client certificate we
    // sent.
    row(ids.get("BACKEND_REJECTED_OUR_CHAIN")).click();
    browser.await(
        "the BACKEND_REJECTED_OUR_CHAIN failure opened",
        d ->
            d.findElement(By.cssSelector("#failure-detail .detail-head"))
                .getText()
                .contains("BACKEND_REJECTED_OUR_CHAIN"));
    assertThat(
            browser.driver().findElement(By.cssSelector("#failure-detail .detail-head")).getText())
        .contains("backend");
    assertThat(browser.driver().findElement(By.cssSelector("#failure-detail .explain")).getText())
        .contains("unknown_ca (48)");
    browser.screenshot(SCREENSHOTS.resolve("backend-rejected.png"));

    // The last hour: the handshakes and failures counted this minute are drawn.
    assertThat(browser.driver().findElements(By.cssSelector("svg[data-series=handshakes] rect")))
        .isNotEmpty();
    String charts = browser.driver().findElement(By.cssSelector("#charts")).getText();
    // Two handshakes on the listener (/version, then the route); on the backend hop one refused for
    // the request, plus the readiness check's own when it ran this minute.
    assertThat(charts).contains("success 2", "EXPIRED 1", "CLIENT_REJECTED_OUR_CHAIN 1");
    assertThat(charts).containsPattern("backend failure [12]\\n");
    assertThat(charts).containsPattern("backend BACKEND_REJECTED_OUR_CHAIN [12]\\n");

    assertThat(browser.requestedUrls()).isNotEmpty().allMatch(url -> url.startsWith(origin + "/"));
    assertThat(browser.consoleProblems()).isEmpty();
  }

  @Test
  void withATokenThePageAsksForItOnceAndShowsNoDataUntilItIsRight() throws Exception {
    String origin = start(Optional.of(TOKEN));

    browser.open(origin + "/");
    WebElement input = browser.awaitAll(By.cssSelector("#token-prompt:not([hidden]) input")).get(0);
    assertThat(browser.driver().findElement(By.id("content")).isDisplayed()).isFalse();
    assertThat(browser.driver().findElements(By.cssSelector(".cert"))).isEmpty();
    assertThat(browser.driver().getPageSource()).doesNotContain("registrar.keylime.test");
    browser.screenshot(SCREENSHOTS.resolve("token-prompt.png"));

    input.sendKeys("not-the-token\n");
    browser.awaitAll(By.cssSelector("#token-error:not([hidden])"));
    assertThat(browser.driver().findElements(By.cssSelector(".cert"))).isEmpty();

    browser.driver().findElement(By.id("token-input")).sendKeys(TOKEN + "\n");
    assertThat(browser.awaitAll(By.cssSelector("#chain .cert"))).hasSize(3);
    assertThat(browser.driver().findElement(By.id("token-prompt")).isDisplayed()).isFalse();

    // Asked once: a reload of the page in the same tab goes straight to the data.
    browser.driver().navigate().refresh();
    assertThat(browser.awaitAll(By.cssSelector("#chain .cert"))).hasSize(3);
    assertThat(browser.driver().findElement(By.id("token-prompt")).isDisplayed()).isFalse();

    assertThat(browser.requestHeaders(origin + "/certs"))
        .isNotEmpty()
        .last()
        .satisfies(
            headers -> assertThat(headers).containsEntry("Authorization", "Bearer " + TOKEN));
    assertThat(browser.requestedUrls()).allMatch(url -> url.startsWith(origin + "/"));
    // The refused requests (401) are the only console problems.
    assertThat(browser.consoleProblems()).allMatch(line -> line.contains("401"));
  }

  private List<String> failureRows() {
    return browser.driver().findElements(By.cssSelector("#failures tbody tr")).stream()
        .map(r -> r.getAttribute("data-reason"))
        .collect(Collectors.toList());
  }

  private WebElement row(String id) {
    return browser.driver().findElement(By.cssSelector("#failures tr[data-id='" + id + "']"));
  }

  private HeldCertificate expiredAgent() {
    Instant now = Instant.now();
    return HeldCertificate.builder()
        .commonName("expired-agent")
        .signedBy(pki.intermediate)
        .purpose(Purpose.CLIENT_AUTH)
        .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
        .build();
  }

  /** One request with {@code client}'s certificate; a refused handshake is what some tests want. */
  private void request(HeldCertificate client) throws IOException {
    try (SSLSocket socket =
        (SSLSocket)
            pki.clientContext(client).getSocketFactory().createSocket("localhost", proxy.port())) {
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      socket
          .getOutputStream()
          .write("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
      socket.getInputStream().read();
    } catch (IOException refused) {
      // The proxy refused the certificate: the failure is what the page must show.
    }
  }

  /** openssl trusting only our intermediate: OpenSSL error 2, alert unknown_ca to the proxy. */
  private void rejectOurChainWithOpenSsl() throws IOException {
    Path intermediateOnly =
        Files.writeString(
            proxy.dir().resolve("intermediate-only.pem"), pki.intermediate.certificatePem());
    Path[] files = TestPki.writeClientFiles(proxy.dir(), "agent", pki.agent, pki.intermediate);
    Command.Result result =
        Command.run(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + proxy.port(),
                "-servername",
                "localhost",
                "-CAfile",
                intermediateOnly.toString(),
                "-verify_return_error",
                "-cert",
                files[0].toString(),
                "-key",
                files[1].toString()),
            "",
            20);
    assertThat(result.stdout() + result.stderr()).contains("unable to get issuer certificate");
  }

  /** The id of the newest failure of each reason, once /debug/handshakes lists them all. */
  private Map<String, String> awaitFailures(String origin, String... reasons) throws Exception {
    AtomicReference<Map<String, String>> ids = new AtomicReference<>(Map.of());
    AdminFixture.await(
        "failures " + List.of(reasons) + " in /debug/handshakes",
        Duration.ofSeconds(20),
        () -> {
          List<Object> failures =
              list(
                  TestJson.parse(
                          pki.send(URI.create(origin + "/debug/handshakes"), "GET", null).body())
                      .get("failures"));
          ids.set(
              failures.stream()
                  .map(f -> object(f))
                  .collect(
                      Collectors.toMap(
                          f -> (String) f.get("reason"), f -> (String) f.get("id"), (a, b) -> a)));
          return ids.get().keySet().containsAll(List.of(reasons));
        });
    return ids.get();
  }
}
