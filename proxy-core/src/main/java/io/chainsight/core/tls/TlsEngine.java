package io.chainsight.core.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * The TLS implementation: BoringSSL through netty-tcnative when it loads, the JDK's otherwise
 * (logged).
 */
public record TlsEngine(SslProvider provider, String description, String fallbackReason) {

  public static TlsEngine detect() {
    if (OpenSsl.isAvailable()) {
      return new TlsEngine(SslProvider.OPENSSL, OpenSsl.versionString(), null);
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    return new TlsEngine(
        SslProvider.JDK, "JDK " + Runtime.version(), cause == null ? "unknown" : cause.toString());
  }

  public boolean isOpenSsl() {
    return provider != SslProvider.JDK;
  }
}
