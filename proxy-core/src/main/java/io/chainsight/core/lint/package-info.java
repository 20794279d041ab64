/**
 * A lint of the chain the proxy serves: pure checks over certificates, a key, a host name and a
 * time.
 */
package io.chainsight.core.lint;
