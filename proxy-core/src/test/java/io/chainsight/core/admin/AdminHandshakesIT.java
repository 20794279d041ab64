package io.chainsight.core.admin;

import static io.chainsight.core.admin.TestJson.list;
import static io.chainsight.core.admin.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.json.JsonLayout;
import io.chainsight.core.tls.TlsEngine;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /debug/handshakes over real HTTP, fed by a {@link HandshakeFailures} holding three failures (the
 * diagnostics implement the interface; here a fixed list stands in for their ring).
 */
class AdminHandshakesIT {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final List<HandshakeFailures.FailureView> RECENT =
      List.of(
          failure("h3", 2, "10.0.0.5:51234", "ISSUER_NOT_FOUND"),
          failure("h2", 1, "10.0.0.6:40000", "EXPIRED"),
          failure("h1", 0, "10.0.0.5:50000", "ISSUER_NOT_FOUND"));

  @TempDir Path dir;

  private final AdminFixture pki = new AdminFixture();
  private EventLoopGroup group;
  private AdminServer admin;

  private static HandshakeFailures.FailureView failure(
      String id, int seconds, String client, String reason) {
    return new HandshakeFailures.FailureView(
        id,
        T.plusSeconds(seconds),
        "listener",
        client,
        reason,
        JsonLayout.COMPACT.write(diagnosis(reason)),
        "step 1 issuer lookup: failed\nfix: put the intermediate in the trust bundle");
  }

  /** A diagnosis as the diagnostics render it, cut down to what these tests read. */
  private static ObjectNode diagnosis(String reason) {
    ObjectNode diagnosis = JsonNodeFactory.instance.objectNode().put("reason", reason);
    diagnosis.putArray("steps").addObject().put("step", 1).put("verdict", "failed");
    return diagnosis;
  }

  @BeforeEach
  void start() throws Exception {
    ChainsightConfig config =
        AdminFixture.config(
            pki.write(dir, pki.server), 1, AdminFixture.loopbackAdmin(Optional.empty()));
    TlsMaterial material = TlsMaterial.load(config.tls());
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    admin =
        AdminServer.builder(config)
            .eventLoops(group, NioServerSocketChannel.class, NioSocketChannel.class)
            .metrics(new MetricRegistry())
            .tlsMaterial(() -> material)
            .tlsListener(Optional::empty)
            .runtime(TlsEngine.detect(), "nio", null)
            .handshakeFailures(
                new HandshakeFailures() {
                  @Override
                  public List<FailureView> recent() {
                    return RECENT;
                  }

                  @Override
                  public Optional<FailureView> byId(String id) {
                    return RECENT.stream().filter(f -> f.id().equals(id)).findFirst();
                  }
                })
            .start();
  }

  @AfterEach
  void stop() {
    admin.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private HttpResponse<String> get(String pathAndQuery) {
    return pki.send(
        URI.create("http://127.0.0.1:" + admin.address().getPort() + pathAndQuery), "GET", null);
  }

  private List<Object> ids(String pathAndQuery) {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).isEqualTo(200);
    return list(TestJson.parse(response.body()).get("failures")).stream()
        .map(f -> object(f).get("id"))
        .collect(java.util.stream.Collectors.toList());
  }

  @Test
  void listsNewestFirstWithEachFullDiagnosis() {
    Map<String, Object> json = TestJson.parse(get("/debug/handshakes").body());

    assertThat(json).containsEntry("count", 3);
    Map<String, Object> newest = object(list(json.get("failures")).get(0));
    assertThat(newest)
        .containsEntry("id", "h3")
        .containsEntry("time", "2026-03-01T10:00:02Z")
        .containsEntry("client", "10.0.0.5:51234")
        .containsEntry("reason", "ISSUER_NOT_FOUND");
    assertThat(object(newest.get("diagnosis"))).containsEntry("reason", "ISSUER_NOT_FOUND");
    assertThat(list(object(newest.get("diagnosis")).get("steps"))).hasSize(1);
    assertThat(ids("/debug/handshakes")).containsExactly("h3", "h2", "h1");
  }

  @Test
  void filtersByReasonClientAndLimit() {
    assertThat(ids("/debug/handshakes?reason=issuer_not_found")).containsExactly("h3", "h1");
    assertThat(ids("/debug/handshakes?client=10.0.0.5")).containsExactly("h3", "h1");
    assertThat(ids("/debug/handshakes?client=10.0.0.5:50000")).containsExactly("h1");
    assertThat(ids("/debug/handshakes?client=10.0.0.50")).isEmpty();
    assertThat(ids("/debug/handshakes?limit=1")).containsExactly("h3");
    assertThat(ids("/debug/handshakes?reason=ISSUER_NOT_FOUND&limit=1")).containsExactly("h3");
  }

  @Test
  void aLimitThatIsNotAPositiveNumberGets400() {
    HttpResponse<String> zero = get("/debug/handshakes?limit=0");
    HttpResponse<String> word = get("/debug/handshakes?limit=ten");

    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(TestJson.parse(zero.body()))
        .containsEntry("error", "limit: \"0\" (expected: a whole number >= 1)");
    assertThat(word.statusCode()).isEqualTo(400);
  }

  @Test
  void textShowsEachFailureWithItsDiagnosisIndented() {
    String text = get("/debug/handshakes?format=text&reason=EXPIRED").body();

    assertThat(text)
        .isEqualTo(
            "1 recent handshake failure (reason EXPIRED), newest first\n"
                + "\n"
                + "h2  2026-03-01T10:00:01Z  client 10.0.0.6:40000  EXPIRED\n"
                + "  step 1 issuer lookup: failed\n"
                + "  fix: put the intermediate in the trust bundle\n");
  }

  @Test
  void oneFailureByIdInBothFormatsAnd404ForAnUnknownId() {
    HttpResponse<String> asJson = get("/debug/handshakes/h2");
    HttpResponse<String> asText = get("/debug/handshakes/h2?format=text");
    HttpResponse<String> unknown = get("/debug/handshakes/nope");

    assertThat(asJson.statusCode()).isEqualTo(200);
    assertThat(TestJson.parse(asJson.body()))
        .containsEntry("id", "h2")
        .containsEntry("reason", "EXPIRED");
    assertThat(asText.body())
        .startsWith("h2  2026-03-01T10:00:01Z  client 10.0.0.6:40000  EXPIRED\n");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(TestJson.parse(unknown.body()).get("error").toString())
        .startsWith("no recent handshake failure with id nope");
  }
}
