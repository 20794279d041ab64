package io.chainsight.cli.probe;

/**
 * The server could not be probed at all (unreachable, not TLS); the message names the address and
 * the cause.
 */
public final class ProbeException extends Exception {
  public ProbeException(String message, Throwable cause) {
    super(message, cause);
  }
}
