package io.chainsight.core.diagnose;

/** What the end-entity certificate must be good for: the extendedKeyUsage a verifier requires. */
public enum Purpose {
  /** A client certificate, as the proxy verifies an agent's. */
  CLIENT_AUTH("clientAuth", "1.3.6.1.5.5.7.3.2", "client authentication", "the client"),
  /**
   * A server certificate, as an agent verifies the proxy's (and {@code chainsight probe} a
   * server's).
   */
  SERVER_AUTH("serverAuth", "1.3.6.1.5.5.7.3.1", "server authentication", "the server");

  static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

  private final String ekuName;
  private final String oid;
  private final String description;
  private final String sender;

  Purpose(String ekuName, String oid, String description, String sender) {
    this.ekuName = ekuName;
    this.oid = oid;
    this.description = description;
    this.sender = sender;
  }

  /** The extendedKeyUsage name as OpenSSL prints it: {@code clientAuth}. */
  public String ekuName() {
    return ekuName;
  }

  public String oid() {
    return oid;
  }

  /** {@code client authentication}. */
  public String description() {
    return description;
  }

  /** Who presents the chain being verified: "the client" or "the server". */
  String sender() {
    return sender;
  }
}
