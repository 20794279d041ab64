package io.chainsight.core.config;

import java.time.Duration;

/**
 * {@code chainsight.shutdown}: on SIGTERM/SIGINT the listener stops accepting, idle connections
 * close, and requests in flight get up to {@code drainTimeout} to finish.
 */
public record ShutdownSettings(Duration drainTimeout) {
  public ShutdownSettings {
    Checks.notNegative("shutdown.drain-timeout", drainTimeout);
  }
}
