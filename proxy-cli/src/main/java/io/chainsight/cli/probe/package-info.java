/**
 * Connects to a TLS server as a client and records what it presents, whether or not it verifies.
 */
package io.chainsight.cli.probe;
