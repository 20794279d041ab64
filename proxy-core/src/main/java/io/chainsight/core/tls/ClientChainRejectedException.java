package io.chainsight.core.tls;

import io.chainsight.core.diagnose.ChainDiagnosis;
import java.security.cert.CertificateException;
import java.util.Optional;

/**
 * A client chain the PKIX check refused, with the step-by-step diagnosis (made once, when it
 * failed) and the TLS version and cipher the handshake had negotiated by then.
 */
public final class ClientChainRejectedException extends CertificateException {
  private final transient ChainDiagnosis diagnosis;
  private final String protocol;
  private final String cipher;

  ClientChainRejectedException(
      ChainDiagnosis diagnosis, String protocol, String cipher, CertificateException cause) {
    super(diagnosis.summary(), cause);
    this.diagnosis = diagnosis;
    this.protocol = protocol;
    // Before the handshake has picked one, sessions report the null suite: that says nothing.
    this.cipher = "SSL_NULL_WITH_NULL_NULL".equals(cipher) ? null : cipher;
  }

  public ChainDiagnosis diagnosis() {
    return diagnosis;
  }

  public Optional<String> protocol() {
    return Optional.ofNullable(protocol);
  }

  public Optional<String> cipher() {
    return Optional.ofNullable(cipher);
  }
}
