package io.chainsight.core.tls;

import io.chainsight.core.certs.BackendTlsMaterial;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/** The client side of TLS to an https backend: our client certificate, and the backend's trust. */
public final class BackendTlsContext {
  private BackendTlsContext() {}

  /**
   * @param where the setting's name in messages, e.g. {@code routes[2].tls}
   * @param serverName the name the backend's certificate must carry
   */
  public static SslContext build(
      String where, BackendTlsSettings settings, String serverName, TlsEngine engine)
      throws ConfigException {
    // The same loading and checks as check-config.
    BackendTlsMaterial material = BackendTlsMaterial.load(where, settings);
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(engine.provider())
              .protocols("TLSv1.3", "TLSv1.2")
              .trustManager(
                  new BackendChainVerifier(
                      material.trustAnchors(), serverName, where + ".trusted-cas"));
      if (material.chain().isPresent()) {
        builder.keyManager(material.privateKey().orElseThrow(), material.chain().get());
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException(
          where + ": the TLS engine refused the client certificate or key: " + e.getMessage());
    }
  }
}
