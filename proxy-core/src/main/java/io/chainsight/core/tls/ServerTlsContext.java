package io.chainsight.core.tls;

import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.TlsSettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/** Builds the listener's SslContext: credentials from {@link TlsMaterial}, policy from {@link TlsSettings}. */
public final class ServerTlsContext {
  private ServerTlsContext() {}

  public static SslContext build(TlsSettings settings, TlsMaterial material, TlsEngine engine,
      DeferredRejections deferred) throws SSLException {
    // The chain goes out exactly as configured: leaf, intermediates, and the root when the file has it.
    SslContextBuilder builder = SslContextBuilder.forServer(material.privateKey(), material.chain())
        .sslProvider(engine.provider())
        .protocols(settings.protocols())
        .clientAuth(clientAuth(settings.clientAuth()));
    if (settings.clientAuth() != TlsSettings.ClientAuth.NONE) {
      builder.trustManager(new ClientChainVerifier(material,
          settings.clientAuthFailure() == TlsSettings.ClientAuthFailure.HTTP ? deferred : null));
    }
    return builder.build();
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
