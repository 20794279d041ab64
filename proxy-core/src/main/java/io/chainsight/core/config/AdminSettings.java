package io.chainsight.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code chainsight.admin}: the debugging listener. {@code enabled = false} turns it off; port 0
 * picks a free port (tests). The token, when set, is required as {@code Authorization: Bearer
 * <token>}. A listener on a non-loopback address without a token is refused: it would show the
 * configuration to anyone who can reach it. {@code probes} is the token-free health listener, which
 * runs whether or not the admin listener does.
 */
public record AdminSettings(
    boolean enabled, String host, int port, Optional<String> token, ProbesSettings probes) {
  public AdminSettings {
    Checks.notBlank("admin.host", host);
    Checks.port("admin.port", port);
    token = token.filter(t -> !t.isBlank());
    if (enabled && probes.enabled() && port != 0 && probes.port() == port) {
      throw new IllegalArgumentException(
          "admin.probes.port: "
              + port
              + " is admin.port too (expected: another port for the probes listener, e.g. 9902)");
    }
    if (enabled && token.isEmpty() && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "admin.host: "
              + host
              + " is not a loopback address and admin.token is "
              + "not set, so anyone who can reach it could read the configuration and the recent handshake failures "
              + "(expected: admin.host = 127.0.0.1, or set admin.token (environment variable CHAINSIGHT_ADMIN_TOKEN) "
              + "and send it as Authorization: Bearer <token>)");
    }
  }

  /** The admin listener without a probes listener. */
  public AdminSettings(boolean enabled, String host, int port, Optional<String> token) {
    this(enabled, host, port, token, ProbesSettings.OFF);
  }

  /**
   * Loopback by its literal or the name localhost; any other name counts as exposed (no DNS lookup
   * here).
   */
  static boolean isLoopback(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return h.startsWith("127."); // all of 127.0.0.0/8 is loopback
    }
    if (!h.contains(":")) {
      return false;
    }
    try {
      // An IPv6 literal is parsed, never looked up; an invalid one throws.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
