package io.chainsight.core.tls;

import io.chainsight.core.certs.BackendTlsMaterial;
import io.chainsight.core.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SSLException;

/** The client side of TLS to an https backend: our client certificate, and the backend's trust. */
public final class BackendTlsContext {
  /** The TLS versions offered to backends, newest first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private BackendTlsContext() {}

  /**
   * @param where the setting's name in messages, e.g. {@code routes[2].tls}
   * @param material the route's files, loaded and checked ({@link BackendTlsMaterial#load})
   * @param serverName the name the backend's certificate must carry
   */
  public static SslContext build(
      String where, BackendTlsMaterial material, String serverName, TlsEngine engine)
      throws ConfigException {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(engine.provider())
              .protocols(PROTOCOLS)
              .trustManager(
                  new BackendChainVerifier(
                      material.trustAnchors(), serverName, where + ".trusted-cas"));
      if (material.chain().isPresent()) {
        // Sent whatever CAs the backend lists: its alert then judges the certificate configured.
        builder.keyManager(
            FixedClientKeyManager.of(material.chain().get(), material.privateKey().orElseThrow()));
      }
      return builder.build();
    } catch (SSLException | GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException(
          where + ": the TLS engine refused the client certificate or key: " + e.getMessage());
    }
  }
}
