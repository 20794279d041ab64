/**
 * The TLS layer: the server context built from the loaded material and policy, and client-chain
 * verification.
 */
package io.chainsight.core.tls;
