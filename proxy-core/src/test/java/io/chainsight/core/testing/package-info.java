/**
 * Test helpers shared by proxy-core and proxy-cli tests: the proxy in front of a recording backend
 * ({@link io.chainsight.core.testing.ProxyExtension}), its config, the test PKI, raw clients.
 */
package io.chainsight.core.testing;
