package io.chainsight.core.proxy;

/**
 * Fired into every client pipeline when a graceful shutdown starts (see
 * ChainsightServer#drainAndClose).
 */
enum DrainEvent {
  INSTANCE
}
