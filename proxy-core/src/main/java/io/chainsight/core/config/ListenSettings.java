package io.chainsight.core.config;

/** {@code chainsight.listen}: where the TLS listener binds. Port 0 picks a free port (tests). */
public record ListenSettings(String host, int port) {
  public ListenSettings {
    Checks.notBlank("listen.host", host);
    Checks.port("listen.port", port);
  }
}
