package io.chainsight.core.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/** A client chain the PKIX check refused; keeps the chain as presented for the step-by-step diagnosis. */
public final class ClientChainRejectedException extends CertificateException {
  private final transient List<X509Certificate> presented;

  public ClientChainRejectedException(X509Certificate[] presented, CertificateException cause) {
    super(cause.getMessage(), cause);
    this.presented = List.of(presented);
  }

  public List<X509Certificate> presented() {
    return presented;
  }
}
