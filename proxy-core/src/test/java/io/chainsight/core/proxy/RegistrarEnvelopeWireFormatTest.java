package io.chainsight.core.proxy;

import static io.chainsight.core.testing.Golden.assertMatches;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The answers chainsight writes itself use the registrar's own envelope, laid out as Python's
 * {@code json.dumps} lays it out ({@code {"code": 502, "status": "...", "results": {}}}), so an
 * agent or a script reading the registrar reads ours too. The bytes are recorded.
 */
class RegistrarEnvelopeWireFormatTest {
  @Test
  void theEnvelopeIsWrittenAsRecorded() {
    FullHttpResponse response =
        RegistrarEnvelope.response(
            UnpooledByteBufAllocator.DEFAULT,
            HttpResponseStatus.BAD_GATEWAY,
            "Bad Gateway: backend \"https://127.0.0.1:8891\" \\ refused\n\tretry \u0001 \u00e9",
            true);
    try {
      assertMatches("registrar-envelope.json", response.content().toString(StandardCharsets.UTF_8));
    } finally {
      response.release();
    }
  }
}
