package io.chainsight.core.proxy;

import io.chainsight.core.json.JsonLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Responses the proxy writes itself, in the Keylime registrar's own envelope ({@code {"code": 502,
 * "status": "...", "results": {}}}) so that an agent's log shows the reason.
 */
public final class RegistrarEnvelope {
  private RegistrarEnvelope() {}

  public static String json(int code, String status) {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("code", code);
    envelope.put("status", status);
    envelope.put("results", Map.of());
    return JsonLayout.REGISTRAR.write(envelope);
  }

  /** A complete response; {@code close} adds {@code Connection: close}. */
  public static FullHttpResponse response(
      ByteBufAllocator alloc, HttpResponseStatus status, String message, boolean close) {
    ByteBuf body = alloc.buffer();
    body.writeCharSequence(json(status.code(), message), StandardCharsets.UTF_8);
    body.writeByte('\n');
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }
}
