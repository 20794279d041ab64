package io.chainsight.core.proxy;

import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.tls.ClientChainRejectedException;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AttributeKey;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts and reports how each handshake ended; failures are logged at WARN with their reason. */
class HandshakeReporter {
  private static final Logger log = LoggerFactory.getLogger("io.chainsight.handshake");

  /** The server name the client asked for in its ClientHello (null when it sent none). */
  static final AttributeKey<String> SERVER_NAME = AttributeKey.valueOf("chainsight.sni");

  private final ProxyMetrics metrics;

  HandshakeReporter(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  void succeeded(Channel channel, SSLEngine engine) {
    metrics.handshakeSucceeded();
  }

  void failed(Channel channel, SSLEngine engine, Throwable cause) {
    String reason = classify(cause);
    metrics.handshakeFailed(reason);
    log.warn("TLS handshake failed: client={} reason={} detail={}", channel.remoteAddress(), reason,
        cause.getMessage());
  }

  void plaintextHttp(Channel channel, String preview) {
    metrics.handshakeFailed("PLAINTEXT_HTTP_ON_TLS_PORT");
    log.warn("TLS handshake failed: client={} reason=PLAINTEXT_HTTP_ON_TLS_PORT detail=\"{}\"",
        channel.remoteAddress(), preview.lines().findFirst().orElse(""));
  }

  void notTls(Channel channel, int firstByte) {
    metrics.handshakeFailed("NOT_TLS");
    log.warn("TLS handshake failed: client={} reason=NOT_TLS detail=first byte 0x{}", channel.remoteAddress(),
        Integer.toHexString(firstByte));
  }

  static String classify(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ClientChainRejectedException) {
        return "CLIENT_CERTIFICATE_REJECTED";
      }
      if (t instanceof SslHandshakeTimeoutException) {
        return "HANDSHAKE_TIMEOUT";
      }
      if (t instanceof ClosedChannelException) {
        return "PEER_CLOSED_DURING_HANDSHAKE";
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || message.contains("CERTIFICATE_REQUIRED")) {
        return "NO_CLIENT_CERTIFICATE";
      }
      if (message.contains("ALERT_")) {
        return "CLIENT_REJECTED_OUR_CHAIN";
      }
      if (message.contains("NO_SHARED_CIPHER")) {
        return "NO_SHARED_CIPHER";
      }
      if (message.contains("UNSUPPORTED_PROTOCOL") || message.contains("WRONG_VERSION")) {
        return "PROTOCOL_MISMATCH";
      }
    }
    return "PEER_CLOSED_DURING_HANDSHAKE";
  }
}
