package io.chainsight.core.config;

/**
 * {@code chainsight.listen}: where the TLS listener binds (port 0 picks a free port: tests), and
 * how many event-loop threads serve its connections and their backend connections.
 */
public record ListenSettings(String host, int port, int eventLoops) {
  public ListenSettings {
    Checks.notBlank("listen.host", host);
    Checks.port("listen.port", port);
    Checks.atLeast("listen.event-loops", eventLoops, 1);
  }

  /** With {@code listen.event-loops} at its default (reference.conf): one. */
  public ListenSettings(String host, int port) {
    this(host, port, 1);
  }
}
