package io.chainsight.core.diagnose;

/**
 * A way real TLS clients load a CA file and build paths: which PEM blocks they keep, whether they
 * add the OS trust store, whether a path may end at a trusted certificate that is not self-signed
 * (partial chain).
 */
public enum ClientMode {
  EVERY_BLOCK(
      "every PEM block", "openssl s_client/verify, nginx, Python < 3.13", true, false, false),
  EVERY_BLOCK_PARTIAL_CHAIN(
      "every PEM block, partial chain allowed", "curl 7.68+, Python 3.13+", true, false, true),
  FIRST_BLOCK(
      "first PEM block only",
      "reqwest/native-tls Certificate::from_pem, OpenSSL X509::from_pem",
      false,
      false,
      false),
  FIRST_BLOCK_AND_OS_STORE(
      "first PEM block only, plus the OS trust store",
      "rust-keylime agent (registrar_tls_ca_cert)",
      false,
      true,
      false),
  EVERY_BLOCK_AND_OS_STORE(
      "every PEM block, plus the OS trust store", "Go (system pool + CA file)", true, true, false);

  private final String description;
  private final String clients;
  private final boolean everyBlock;
  private final boolean osStore;
  private final boolean partialChain;

  ClientMode(
      String description,
      String clients,
      boolean everyBlock,
      boolean osStore,
      boolean partialChain) {
    this.description = description;
    this.clients = clients;
    this.everyBlock = everyBlock;
    this.osStore = osStore;
    this.partialChain = partialChain;
  }

  public String description() {
    return description;
  }

  /** Clients known to behave this way. */
  public String clients() {
    return clients;
  }

  public boolean everyBlock() {
    return everyBlock;
  }

  public boolean osStore() {
    return osStore;
  }

  public boolean partialChain() {
    return partialChain;
  }
}
