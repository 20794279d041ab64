/**
 * Test helpers shared by proxy-core and proxy-cli tests: the test PKI, a recording backend,
 * configs.
 */
package io.chainsight.core.testing;
