package io.chainsight.cli.probe;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * Always offers the one client certificate it holds. The JDK's default key manager silently sends
 * none when the chain's issuers are not in the server's list of acceptable CAs; curl and the Rust
 * agent send what they are given, and a probe must behave like them to show what the server does
 * with it.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "client";

  private final X509Certificate[] chain;
  private final PrivateKey key;
  private volatile List<String> requestedIssuers = List.of();

  FixedKeyManager(List<X509Certificate> chain, PrivateKey key) {
    this.chain = chain.toArray(new X509Certificate[0]);
    this.key = key;
  }

  /** The CA names the server listed in its certificate request (empty if it listed none). */
  List<String> requestedIssuers() {
    return requestedIssuers;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    record(issuers);
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    record(issuers);
    return ALIAS;
  }

  private void record(Principal[] issuers) {
    if (issuers != null) {
      requestedIssuers = Arrays.stream(issuers).map(FixedKeyManager::name).toList();
    }
  }

  private static String name(Principal principal) {
    return principal instanceof X500Principal
        ? ((X500Principal) principal).getName(X500Principal.RFC2253)
        : principal.getName();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return chain.clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return key;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
