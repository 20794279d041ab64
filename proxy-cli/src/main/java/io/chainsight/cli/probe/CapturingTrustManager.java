package io.chainsight.cli.probe;

import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Records the server's chain and accepts it, so the handshake goes on even when the chain would not
 * verify: the verdicts come afterwards, from the diagnosis engine, once per way a real client loads
 * its CA file. Never use it to send data that matters.
 */
final class CapturingTrustManager extends X509ExtendedTrustManager {
  private volatile List<X509Certificate> serverChain = List.of();

  List<X509Certificate> serverChain() {
    return serverChain;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    serverChain = List.of(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    serverChain = List.of(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    serverChain = List.of(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    throw new UnsupportedOperationException(
        "a probe is a client; it never verifies client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
