package io.chainsight.core.admin;

import static io.chainsight.core.testing.Golden.assertMatches;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.diagnose.ChainAnalyzer;
import io.chainsight.core.diagnose.DiagnosisJson;
import io.chainsight.core.testing.Golden;
import io.chainsight.core.testing.StrictJson;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoints answer indented JSON (two spaces, one member per line, {@code "name": value},
 * empty containers as {@code {}} and {@code []}, a trailing newline), as docs/admin.md shows; a
 * diagnosis is embedded on one line. These bytes are recorded and must not drift.
 */
class AdminJsonWireFormatTest {
  @Test
  void everyKindOfValueIsWrittenAsRecorded() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("dns", List.of("localhost", "registrar.keylime.test"));
    nested.put("ip", List.of());
    nested.put("none", new LinkedHashMap<>());
    List<Object> mixed = new ArrayList<>();
    mixed.add("a");
    mixed.add(1);
    mixed.add(null);
    mixed.add(nested);
    Map<String, Object> tree = new LinkedHashMap<>();
    String nasty = "say \"hi\"\\ / \n\r\t\b\f \u0001 \u001f \u2028 \u00e9 \u20ac";
    tree.put("string", nasty);
    tree.put("int", 42);
    tree.put("long", 1L << 40);
    tree.put("double", 0.25);
    tree.put("whole", 3.0);
    tree.put("large", 1.5e12);
    tree.put("nan", Double.NaN);
    tree.put("infinite", Double.POSITIVE_INFINITY);
    tree.put("yes", true);
    tree.put("absent", null);
    tree.put("emptyObject", new LinkedHashMap<>());
    tree.put("emptyList", List.of());
    tree.put("mixed", mixed);

    String body = AdminResponse.of(Format.JSON, HttpResponseStatus.OK, tree, "").body();

    assertMatches("admin-values.json", body);
    // Jackson escapes backspace and form feed in their two-character forms and writes upper-case
    // hex digits, where the hand-written writer wrote six-character escapes in lower case: the
    // same string to any JSON reader.
    assertThat(StrictJson.object(body)).containsEntry("string", nasty);
  }

  @Test
  void anErrorIsWrittenAsRecorded() {
    assertMatches(
        "admin-error.json",
        AdminResponse.error(
                Format.JSON, HttpResponseStatus.BAD_REQUEST, "limit: \"x\" (expected: >= 1)")
            .body());
  }

  @Test
  void recentHandshakesEmbedTheDiagnosisAsRecorded() {
    ChainAnalyzer analyzer =
        ChainAnalyzer.builder().trustAnchors(Golden.certificates("root-ca.pem")).build();
    String diagnosis =
        DiagnosisJson.render(
            analyzer.analyze(
                Golden.certificates("agent-cert.pem").subList(0, 1),
                Instant.parse("2027-06-01T12:00:00Z")));
    HandshakeFailures.FailureView failure =
        new HandshakeFailures.FailureView(
            "0a1b2c3d",
            Instant.parse("2027-06-01T12:00:00.123Z"),
            "listener",
            "127.0.0.1:51234",
            "ISSUER_NOT_FOUND",
            diagnosis,
            "text");
    HandshakesEndpoint endpoint =
        new HandshakesEndpoint(
            new HandshakeFailures() {
              @Override
              public List<FailureView> recent() {
                return List.of(failure);
              }

              @Override
              public Optional<FailureView> byId(String id) {
                return Optional.of(failure);
              }
            });

    assertMatches(
        "admin-handshakes.json",
        endpoint
            .list(
                new AdminRequest(
                    "/debug/handshakes", Map.of("limit", List.of("5")), Map.of(), Format.JSON))
            .body());
  }
}
