/**
 * The admin endpoint: a separate HTTP listener for operators (health, readiness, metrics,
 * certificates, recent handshake failures, effective config, version), JSON by default and text
 * with {@code ?format=text}.
 */
package io.chainsight.core.admin;
