package io.chainsight.core.tls;

import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import javax.net.ssl.SSLException;

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
    // The chain goes out exactly as configured: leaf, intermediates, and the root when the file has
    // it.
    SslContextBuilder builder =
        SslContextBuilder.forServer(material.privateKey(), material.chain())
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
