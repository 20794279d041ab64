package io.chainsight.core.demo;

import static io.chainsight.core.testing.Golden.assertMatches;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registrar stand-in answers in the registrar's envelope and layout; the bytes are recorded.
 */
class RegistrarReplyWireFormatTest {
  @Test
  void aSuccessWithNestedResultsIsWrittenAsRecorded() {
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("aik_tpm", "AAEACwAF\"quoted\"\\");
    agent.put("regcount", "1");
    agent.put("mtls_cert", null);
    agent.put("ports", List.of());
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("current_version", "2.6");
    results.put("supported_versions", List.of("1.0", "2.6"));
    results.put("agent", agent);
    results.put("empty", Map.of());

    assertMatches(
        "registrar-reply.json",
        new String(RegistrarReply.success(results).body(), StandardCharsets.UTF_8));
  }

  @Test
  void anErrorIsWrittenAsRecorded() {
    assertMatches(
        "registrar-reply-error.json",
        new String(
            RegistrarReply.error(404, "Not Found: \"/v9/x\"\n").body(), StandardCharsets.UTF_8));
  }
}
