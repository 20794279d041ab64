package io.chainsight.core.admin;

import io.netty.util.NetUtil;
import java.util.Locale;
import java.util.Optional;

/**
 * Without a token, the admin endpoint answers only requests addressed to it by an IP address,
 * {@code localhost} or {@code admin.host}. A browser on this machine sends another name only when a
 * web page pointed that name at 127.0.0.1 (DNS rebinding): that page could then read the
 * configuration and the recent failures through the visitor's browser. With a token, the page
 * cannot send it, so any name is fine.
 */
final class HostCheck {
  private HostCheck() {}

  /** Why this {@code Host} header is refused, or empty when it is fine. */
  static Optional<String> refusal(String hostHeader, String adminHost) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return Optional.empty(); // HTTP/1.0 clients and raw probes send none
    }
    String host = hostHeader.strip();
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      host = end > 0 ? host.substring(1, end) : host;
    } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    host = host.toLowerCase(Locale.ROOT);
    if (NetUtil.isValidIpV4Address(host)
        || NetUtil.isValidIpV6Address(host)
        || host.equals("localhost")
        || host.endsWith(".localhost")
        || host.equals(adminHost.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    return Optional.of(
        "Host: "
            + hostHeader.strip()
            + " is not an address of this admin endpoint (expected: an IP address, localhost or "
            + "admin.host = "
            + adminHost
            + "; without admin.token other names are refused, since a web page can point its own "
            + "name at 127.0.0.1 and read this endpoint through your browser; set admin.token to "
            + "use a name)");
  }
}
