package io.chainsight.core.tls;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * Always offers the one client certificate it holds. The JDK's default key manager (which Netty
 * also uses for BoringSSL) silently sends none when the chain's issuers are not in the server's
 * list of acceptable CAs; curl and the Rust agent send what they are given. The proxy towards an
 * https backend and the probe must behave like them, so that the server's verdict (its alert) is
 * about the certificate we configured, not about an empty one.
 */
public final class FixedClientKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "client";

  private final X509Certificate[] chain;
  private final PrivateKey key;
  private volatile List<String> requestedIssuers = List.of();

  private FixedClientKeyManager(List<X509Certificate> chain, PrivateKey key) {
    this.chain = chain.toArray(new X509Certificate[0]);
    this.key = key;
  }

  /**
   * A key manager that presents {@code chain} (leaf first) with {@code key}, whatever CAs the
   * server asks for. Key and certificates are re-read with the JDK's own providers: its TLS stack
   * selects keys by algorithm name, and Bouncy Castle names EC keys "ECDSA" where the JDK expects
   * "EC".
   */
  public static FixedClientKeyManager of(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException {
    String algorithm = key.getAlgorithm().startsWith("EC") ? "EC" : key.getAlgorithm();
    PrivateKey jdkKey =
        KeyFactory.getInstance(algorithm)
            .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> jdkChain = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      jdkChain.add(
          (X509Certificate)
              factory.generateCertificate(new ByteArrayInputStream(certificate.getEncoded())));
    }
    return new FixedClientKeyManager(jdkChain, jdkKey);
  }

  /** The CA names the server listed in its last certificate request (empty if it listed none). */
  public List<String> requestedIssuers() {
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
      requestedIssuers = Arrays.stream(issuers).map(FixedClientKeyManager::name).toList();
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
