package io.chainsight.core.tls;

import io.chainsight.core.certs.Pem;
import io.chainsight.core.certs.PemException;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/** The client side of TLS to an https backend: our client certificate, and the backend's trust. */
public final class BackendTlsContext {
  private BackendTlsContext() {}

  /**
   * @param where the setting's name in messages, e.g. {@code routes[2].tls}
   * @param serverName the name the backend's certificate must carry
   */
  public static SslContext build(String where, BackendTlsSettings settings, String serverName, TlsEngine engine)
      throws ConfigException {
    List<String> problems = new ArrayList<>();
    List<X509Certificate> anchors = List.of();
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    try {
      anchors = Pem.readCertificates(settings.trustedCas());
    } catch (PemException e) {
      problems.add(where + ".trusted-cas: " + e.getMessage());
    }
    if (settings.certificateChain().isPresent()) {
      try {
        chain = Pem.readCertificates(settings.certificateChain().get());
      } catch (PemException e) {
        problems.add(where + ".certificate-chain: " + e.getMessage());
      }
      try {
        key = Pem.readPrivateKey(settings.privateKey().orElseThrow());
      } catch (PemException e) {
        problems.add(where + ".private-key: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    try {
      SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(engine.provider())
          .protocols("TLSv1.3", "TLSv1.2")
          .trustManager(new BackendChainVerifier(anchors, serverName, where + ".trusted-cas"));
      if (chain != null) {
        builder.keyManager(key, chain);
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException(where + ": the TLS engine refused the client certificate or key: " + e.getMessage());
    }
  }
}
