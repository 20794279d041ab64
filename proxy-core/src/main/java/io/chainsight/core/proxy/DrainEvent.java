package io.chainsight.core.proxy;

/**
 * Fired into a client pipeline when its connection is to end gracefully (the exchange in flight
 * finishes, with Connection: close; an idle connection closes now): into every one when a graceful
 * shutdown starts (see ChainsightServer#drainAndClose), and into those authenticated under rules a
 * reload replaced (see ConfigReloader).
 */
enum DrainEvent {
  INSTANCE
}
