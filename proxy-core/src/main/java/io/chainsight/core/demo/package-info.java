/**
 * What {@code chainsight demo} runs besides the proxy: a stand-in for the Keylime registrar's
 * plain-HTTP API.
 */
package io.chainsight.core.demo;
