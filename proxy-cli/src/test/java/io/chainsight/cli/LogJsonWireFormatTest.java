package io.chainsight.cli;

import static io.chainsight.core.testing.Golden.assertMatches;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * With {@code log.format = json} a handshake failure is one JSON object per line whose fields
 * (names, types: numbers stay numbers, lists stay arrays) are documented; the bytes for a fixed
 * event are recorded.
 */
class LogJsonWireFormatTest {
  @Test
  void aHandshakeFailureEventIsWrittenAsRecorded() {
    LoggerContext context = new LoggerContext();
    LogstashEncoder encoder = LogSetup.jsonEncoder(context);
    encoder.stop();
    encoder.setTimeZone("UTC");
    encoder.start();
    LoggingEvent event =
        new LoggingEvent(
            LogJsonWireFormatTest.class.getName(),
            context.getLogger("io.chainsight.core.report.FailureReporter"),
            Level.WARN,
            "TLS handshake failed [0a1b2c3d] client=127.0.0.1:51234: ISSUER_NOT_FOUND at step 5\n"
                + "  why: \"CN=agent\" was issued by a CA that is not sent",
            null,
            null);
    event.setTimeStamp(1_811_851_200_123L);
    event.setThreadName("chainsight-io-1");
    event.setMDCPropertyMap(Map.of());
    event.setKeyValuePairs(
        List.of(
            new KeyValuePair("event", "handshake_failure"),
            new KeyValuePair("failure_id", "0a1b2c3d"),
            new KeyValuePair("client_port", 51234),
            new KeyValuePair("reason", "ISSUER_NOT_FOUND"),
            new KeyValuePair("step", 5),
            new KeyValuePair(
                "causes", List.of("[OpenSSL 20] missing intermediate. Fix: send it"))));

    assertMatches(
        "log-handshake-failure.json", new String(encoder.encode(event), StandardCharsets.UTF_8));
  }
}
