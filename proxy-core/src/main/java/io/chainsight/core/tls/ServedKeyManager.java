package io.chainsight.core.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The listener's one key and chain, handed to the TLS engine as they are. Given the key and chain
 * themselves, Netty would first store them in a PKCS#12 key store (the private key encrypted with
 * 10,000 rounds of PBKDF2) and read them back through the JDK's key manager: a third of a second of
 * CPU at every start and reload on a small host, for a key that never leaves the process. The chain
 * goes out exactly as configured: leaf, intermediates, and the root when the file has it.
 */
final class ServedKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "served";

  private final X509Certificate[] chain;
  private final PrivateKey key;
  private final String keyType;

  ServedKeyManager(List<X509Certificate> chain, PrivateKey key) {
    this.chain = chain.toArray(new X509Certificate[0]);
    this.key = key;
    this.keyType = key.getAlgorithm().startsWith("EC") ? "EC" : key.getAlgorithm();
  }

  /**
   * The alias when the handshake asks for this key's type: {@code EC} (or {@code EC_EC}) for an EC
   * key, {@code RSA} for an RSA key; any type for another algorithm, which the TLS engine then
   * matches itself.
   */
  private String alias(String requested) {
    if (requested == null || !(keyType.equals("EC") || keyType.equals("RSA"))) {
      return ALIAS;
    }
    return requested.equals(keyType) || requested.startsWith(keyType + "_") ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return alias(keyType) == null ? new String[0] : new String[] {ALIAS};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
