package io.chainsight.core.config;

import java.util.Optional;

/**
 * {@code chainsight.admin}: the debugging listener. {@code enabled = false} turns it off; port 0 picks a free
 * port (tests). The token, when set, is required as {@code Authorization: Bearer <token>}.
 */
public record AdminSettings(boolean enabled, String host, int port, Optional<String> token) {
  public AdminSettings {
    Checks.notBlank("admin.host", host);
    Checks.port("admin.port", port);
    token = token.filter(t -> !t.isBlank());
  }
}
