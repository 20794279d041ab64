package io.chainsight.core.certs;

/**
 * A PEM file that cannot be used; the message names the file, what it held and what was expected.
 */
public final class PemException extends Exception {
  public PemException(String message) {
    super(message);
  }

  public PemException(String message, Throwable cause) {
    super(message, cause);
  }
}
