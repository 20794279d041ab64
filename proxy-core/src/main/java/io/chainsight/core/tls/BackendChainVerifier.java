package io.chainsight.core.tls;

import io.chainsight.core.diagnose.ChainAnalyzer;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.Failure;
import io.chainsight.core.diagnose.OpenSslError;
import io.chainsight.core.diagnose.Purpose;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies an https backend's certificate (the registrar's 8891) with the diagnosis engine itself:
 * purpose serverAuth, the configured server name checked against the SANs. Backend connections are
 * pooled, so this runs rarely; a failure carries the step-by-step diagnosis into the log and the
 * 502 body.
 */
public final class BackendChainVerifier extends X509ExtendedTrustManager {
  private final ChainAnalyzer analyzer;
  private final String serverName;
  private final X509Certificate[] anchors;

  public BackendChainVerifier(
      List<X509Certificate> anchors, String serverName, String trustSetting) {
    this.analyzer =
        ChainAnalyzer.builder()
            .trustAnchors(anchors)
            .purpose(Purpose.SERVER_AUTH)
            .partialChain(true)
            .trustStoreName(trustSetting)
            .build();
    this.serverName = serverName;
    this.anchors = anchors.toArray(X509Certificate[]::new);
  }

  /** Thrown (inside BoringSSL's verify error) when the backend's chain does not verify. */
  public static final class BackendChainRejectedException extends CertificateException {
    private final transient ChainDiagnosis diagnosis;

    BackendChainRejectedException(ChainDiagnosis diagnosis) {
      super(diagnosis.summary());
      this.diagnosis = diagnosis;
    }

    public ChainDiagnosis diagnosis() {
      return diagnosis;
    }
  }

  private void verify(X509Certificate[] chain) throws CertificateException {
    ChainDiagnosis diagnosis =
        analyzer.analyze(List.of(chain), Instant.now(), Optional.of(serverName));
    if (!diagnosis.valid()) {
      int code =
          diagnosis
              .failure()
              .flatMap(Failure::openssl)
              .map(OpenSslError::code)
              .filter(CertificateVerifier::isValid)
              .orElse(CertificateVerifier.X509_V_ERR_CERT_REJECTED);
      throw new OpenSslCertificateException(
          diagnosis.summary(), new BackendChainRejectedException(diagnosis), code);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException(
        "this trust manager verifies backend (server) certificates only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException(
        "this trust manager verifies backend (server) certificates only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException(
        "this trust manager verifies backend (server) certificates only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return anchors.clone();
  }
}
