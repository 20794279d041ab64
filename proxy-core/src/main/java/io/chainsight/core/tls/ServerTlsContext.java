package io.chainsight.core.tls;

import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.security.PrivateKey;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * Builds the listener's SslContext: credentials from {@link TlsMaterial}, policy from {@link
 * TlsSettings}.
 */
public final class ServerTlsContext {
  /**
   * TLS 1.2 suites: ECDHE key exchange (forward secrecy) with AEAD ciphers only; no CBC, no RSA key
   * transport, nothing weaker. TLS 1.3 suites are all AEAD and always on.
   */
  public static final List<String> TLS12_CIPHERS =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256");

  /** Key-exchange groups, strongest-and-fastest first. */
  public static final String[] GROUPS = {"X25519", "P-256", "P-384"};

  /**
   * The largest handshake message (a ClientHello, a client's Certificate) accepted from a client
   * when client certificates are asked for: a chain must fit. Set on BoringSSL explicitly (its
   * max-cert-list, the same 100 KiB it defaults to) so that the limit is known, not assumed.
   */
  public static final int MAX_CLIENT_MESSAGE_WITH_CERTIFICATES = 100 * 1024;

  /**
   * BoringSSL's own, fixed limit for a client's handshake messages when no client certificate is
   * asked for (tls.client-auth = none): 16 KiB.
   */
  public static final int MAX_CLIENT_MESSAGE_WITHOUT_CERTIFICATES = 16 * 1024;

  private ServerTlsContext() {}

  /**
   * The largest handshake message body BoringSSL accepts from a client in this client-auth mode.
   */
  public static int maxClientHandshakeMessage(TlsSettings.ClientAuth mode) {
    return mode == TlsSettings.ClientAuth.NONE
        ? MAX_CLIENT_MESSAGE_WITHOUT_CERTIFICATES
        : MAX_CLIENT_MESSAGE_WITH_CERTIFICATES;
  }

  public static SslContext build(
      TlsSettings settings, TlsMaterial material, TlsEngine engine, DeferredRejections deferred)
      throws SSLException {
    if (engine.isOpenSsl()) {
      checkBoringSslTakes(material.privateKey());
    }
    KeyManagerFactory keys =
        new KeyManagerFactoryWrapper(new ServedKeyManager(material.chain(), material.privateKey()));
    SslContextBuilder builder =
        SslContextBuilder.forServer(
                // BoringSSL takes the key and chain once, not at every handshake.
                engine.isOpenSsl() ? new OpenSslCachingX509KeyManagerFactory(keys) : keys)
            .sslProvider(engine.provider())
            .protocols(settings.protocols())
            .ciphers(TLS12_CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .clientAuth(clientAuth(settings.clientAuth()));
    if (engine.isOpenSsl()) {
      // BoringSSL: no renegotiation and no compression at all.
      builder.option(OpenSslContextOption.GROUPS, GROUPS);
      builder.option(
          OpenSslContextOption.MAX_CERTIFICATE_LIST_BYTES, MAX_CLIENT_MESSAGE_WITH_CERTIFICATES);
    }
    // TLS 1.2 sessions (tickets and ids) resume for no longer than the ticket key lives either.
    builder.sessionTimeout(settings.sessionTicketRotation().toSeconds());
    if (settings.clientAuth() != TlsSettings.ClientAuth.NONE) {
      builder.trustManager(
          new ClientChainVerifier(
              material,
              settings.clientAuthFailure() == TlsSettings.ClientAuthFailure.HTTP
                  ? deferred
                  : null));
    }
    SslContext context = builder.build();
    SessionTickets.newKey(context);
    return context;
  }

  /**
   * BoringSSL is handed the key at the first handshake now, not when the context is built: what it
   * cannot use is refused here, so a start or reload still fails rather than every handshake after
   * it.
   */
  private static void checkBoringSslTakes(PrivateKey key) throws SSLException {
    String algorithm = key.getAlgorithm();
    if (algorithm.equals("RSA") || algorithm.equals("Ed25519") || algorithm.equals("EdDSA")) {
      return;
    }
    if (algorithm.startsWith("EC")) {
      ASN1Encodable parameters =
          PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm().getParameters();
      if (parameters instanceof ASN1ObjectIdentifier
          && BORINGSSL_CURVES.contains(((ASN1ObjectIdentifier) parameters).getId())) {
        return;
      }
      throw new SSLException(
          "an EC key on a curve BoringSSL does not support ("
              + parameters
              + "; expected: P-256, P-384 or P-521)");
    }
    throw new SSLException(
        "a " + algorithm + " key, which BoringSSL does not support (expected: RSA, EC or Ed25519)");
  }

  /** P-256, P-384, P-521: the named curves BoringSSL signs with. */
  private static final Set<String> BORINGSSL_CURVES =
      Set.of("1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35");

  private static ClientAuth clientAuth(TlsSettings.ClientAuth mode) {
    switch (mode) {
      case REQUIRE:
        return ClientAuth.REQUIRE;
      case OPTIONAL:
        return ClientAuth.OPTIONAL;
      default:
        return ClientAuth.NONE;
    }
  }
}
