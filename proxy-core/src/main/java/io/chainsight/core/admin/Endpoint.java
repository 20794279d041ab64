package io.chainsight.core.admin;

/**
 * One admin endpoint. Runs on an event loop of the proxy, so it must not block: everything it reads
 * is in memory (the backend check runs in the background).
 */
@FunctionalInterface
interface Endpoint {
  AdminResponse handle(AdminRequest request);
}
