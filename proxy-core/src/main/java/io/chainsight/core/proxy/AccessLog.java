package io.chainsight.core.proxy;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per completed request when {@code log.access = true}: who (the verified client
 * certificate's subject and SHA-256), what, the status, the response body bytes, and the time spent
 * on the backend. Logger {@code io.chainsight.access}; with {@code log.format = json} the values
 * are fields of these names.
 */
final class AccessLog {
  static final String LOGGER = "io.chainsight.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private AccessLog() {}

  static void log(
      InetSocketAddress client,
      Optional<ClientIdentity> identity,
      String method,
      String uri,
      int status,
      long bytes,
      long totalNanos,
      long upstreamNanos) {
    String subject = identity.map(ClientIdentity::subject).orElse("-");
    double totalMs = totalNanos / 1e6;
    double upstreamMs = upstreamNanos / 1e6;
    log.atInfo()
        .addKeyValue("event", "access")
        .addKeyValue("client_address", client.getAddress().getHostAddress())
        .addKeyValue("client_subject", subject)
        .addKeyValue("client_sha256", identity.map(ClientIdentity::sha256).orElse("-"))
        .addKeyValue("method", method)
        .addKeyValue("path", uri)
        .addKeyValue("status", status)
        .addKeyValue("bytes", bytes)
        .addKeyValue("duration_ms", Math.round(totalMs * 1000) / 1000.0)
        .addKeyValue("upstream_ms", Math.round(upstreamMs * 1000) / 1000.0)
        .log(
            "{} \"{}\" {} \"{} {}\" {} {} {}ms upstream {}ms",
            client.getAddress().getHostAddress(),
            subject,
            identity.map(ClientIdentity::sha256).map(h -> h.substring(0, 16)).orElse("-"),
            method,
            uri,
            status,
            bytes,
            String.format("%.1f", totalMs),
            String.format("%.1f", upstreamMs));
  }
}
