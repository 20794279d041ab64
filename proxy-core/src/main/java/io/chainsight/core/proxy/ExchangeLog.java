package io.chainsight.core.proxy;

import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one exchange did, for the request metrics, the access log and the line that explains a
 * refusal: its request line, its two clocks (since the request arrived, since it went upstream),
 * the response's status and body size. One per client connection, started afresh by each exchange.
 */
final class ExchangeLog {
  // The explaining lines keep the logger name docs/operations.md quotes ("FrontendHandler - ...").
  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  private final ProxyMetrics metrics;
  private final InetSocketAddress client;
  private HttpMethod method;
  private String uri;
  private long startNanos;
  private long upstreamStartNanos;
  private long responseBytes;
  private int status;

  ExchangeLog(ProxyMetrics metrics, InetSocketAddress client) {
    this.metrics = metrics;
    this.client = client;
  }

  void start(HttpRequest request) {
    startNanos = System.nanoTime();
    upstreamStartNanos = 0;
    responseBytes = 0;
    method = request.method();
    uri = request.uri();
  }

  void upstreamStarted() {
    upstreamStartNanos = System.nanoTime();
  }

  void responseStarted(int status) {
    this.status = status;
  }

  void responseBytes(long bytes) {
    responseBytes += bytes;
  }

  int status() {
    return status;
  }

  /** The response went out whole. */
  void completed(Optional<ClientIdentity> identity, boolean accessLog) {
    long now = System.nanoTime();
    metrics.request(status, now - startNanos);
    if (accessLog) {
      AccessLog.log(
          client,
          identity,
          method.name(),
          uri,
          status,
          responseBytes,
          now - startNanos,
          now - upstreamStartNanos);
    }
  }

  /**
   * The exchange was answered with our own error: counted, access-logged, and explained in one line
   * (WARN for a 5xx unless the failure's own event already said it, INFO for the client's errors).
   */
  void answered(
      int code,
      long bytes,
      String message,
      Optional<ClientIdentity> identity,
      boolean accessLog,
      boolean reportedAlready) {
    long now = System.nanoTime();
    metrics.request(code, now - startNanos);
    if (accessLog && method != null) {
      AccessLog.log(
          client,
          identity,
          method.name(),
          uri,
          code,
          bytes,
          now - startNanos,
          upstreamStartNanos == 0 ? 0 : now - upstreamStartNanos);
    }
    if (code >= 500 && !reportedAlready) {
      log.warn("{} from {}: {} {}", RequestRules.abbreviate(requestLine()), client, code, message);
    } else {
      log.info("{} from {}: {} {}", RequestRules.abbreviate(requestLine()), client, code, message);
    }
  }

  /** The request line as logs quote it, built only when a log line needs it. */
  String requestLine() {
    return method == null ? null : method.name() + " " + uri;
  }
}
