package io.chainsight.core.tls;

import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.diagnose.ChainAnalyzer;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.Failure;
import io.chainsight.core.diagnose.OpenSslError;
import io.chainsight.core.diagnose.Purpose;
import io.chainsight.core.diagnose.ReasonCode;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.handler.ssl.ResumableX509ExtendedTrustManager;
import io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates against {@code tls.trusted-cas} (and {@code tls.crls}) with the
 * JDK's PKIX validator: the fast path, run on every handshake. Only when it fails does the
 * step-by-step diagnosis run; the rejection carries it to the handshake report.
 */
public final class ClientChainVerifier extends X509ExtendedTrustManager
    implements ResumableX509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final X509Certificate[] acceptedIssuers;
  private final ChainAnalyzer analyzer;
  private final DeferredRejections deferred;
  private final VerifiedChains verified;

  /**
   * @param deferred null to fail the handshake with the alert OpenSSL would send
   *     (tls.client-auth-failure = alert); else where rejections wait while the handshake completes
   *     (= http)
   */
  public ClientChainVerifier(TlsMaterial material, DeferredRejections deferred) {
    this.acceptedIssuers = material.trustAnchors().toArray(X509Certificate[]::new);
    this.pkix = pkixTrustManager(material);
    // Like the JDK's PKIX check, a path may end at any configured CA (partial chain), so the two
    // agree.
    this.analyzer =
        ChainAnalyzer.builder()
            .trustAnchors(material.trustAnchors())
            .crls(material.crls())
            .purpose(Purpose.CLIENT_AUTH)
            .partialChain(true)
            .build();
    this.deferred = deferred;
    this.verified = new VerifiedChains(material.crls());
  }

  private static X509ExtendedTrustManager pkixTrustManager(TlsMaterial material) {
    Set<TrustAnchor> anchors =
        material.trustAnchors().stream()
            .map(certificate -> new TrustAnchor(certificate, null))
            .collect(Collectors.toSet());
    try {
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
      // Like OpenSSL with a CRL file: check revocation of every certificate only when CRLs are
      // configured.
      parameters.setRevocationEnabled(!material.crls().isEmpty());
      if (!material.crls().isEmpty()) {
        parameters.addCertStore(
            CertStore.getInstance(
                "Collection", new CollectionCertStoreParameters(material.crls())));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(new CertPathTrustManagerParameters(parameters));
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager) {
          return (X509ExtendedTrustManager) manager;
        }
      }
      throw new IllegalStateException(
          "the JDK's PKIX TrustManagerFactory returned no X509ExtendedTrustManager");
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalArgumentException(
          "tls.trusted-cas: no usable trust anchor (" + e.getMessage() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up PKIX verification: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, authType, engine, engine.getHandshakeSession());
  }

  /**
   * A resumed session skips certificate verification in the handshake; Netty calls this instead.
   * The chain is checked again now, against today's date and this trust generation (the cache makes
   * a good chain cheap): a client whose certificate was rejected, or has expired since, must not
   * get back in by resuming.
   */
  @Override
  public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine)
      throws CertificateException {
    verify(chain, "UNKNOWN", engine, engine.getSession());
  }

  @Override
  public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies client certificates only");
  }

  private void verify(
      X509Certificate[] chain, String authType, SSLEngine engine, SSLSession session)
      throws CertificateException {
    Instant now = Instant.now();
    if (verified.contains(chain, now)) {
      return;
    }
    try {
      // The JDK's engine-aware check needs a handshake in progress; a resumed session has none.
      if (engine.getHandshakeSession() != null) {
        pkix.checkClientTrusted(chain, authType, engine);
      } else {
        pkix.checkClientTrusted(chain, authType);
      }
      verified.add(chain, now);
    } catch (CertificateException e) {
      ClientChainRejectedException rejection =
          new ClientChainRejectedException(
              diagnose(chain, e),
              session == null ? null : session.getProtocol(),
              session == null ? null : session.getCipherSuite(),
              e);
      if (deferred != null) {
        deferred.put(engine, rejection);
        return;
      }
      throw asOpenSslError(rejection);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw new ClientChainRejectedException(diagnose(chain, e), null, null, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw new ClientChainRejectedException(diagnose(chain, e), null, null, e);
    }
  }

  /**
   * The step-by-step diagnosis, made only now that the fast check failed. Should the engine find
   * the chain valid where the JDK did not, the JDK's reason is reported as it is, mapped to the
   * nearest reason code.
   */
  private ChainDiagnosis diagnose(X509Certificate[] chain, CertificateException cause) {
    Instant now = Instant.now();
    ChainDiagnosis diagnosis = analyzer.analyze(List.of(chain), now);
    if (!diagnosis.valid()) {
      return diagnosis;
    }
    return ChainDiagnosis.of(
        now,
        List.of(chain),
        nearestReason(cause),
        "the JDK's PKIX validator rejected the chain: " + cause.getMessage(),
        "check the chain with `chainsight diagnose --chain CLIENT.pem --trust TRUSTED-CAS.pem`");
  }

  /**
   * The exception BoringSSL turns into its verify error, and so into the alert the client receives
   * (unknown_ca, certificate_expired, unsupported_certificate...), the one nginx would send for the
   * same chain.
   */
  private static CertificateException asOpenSslError(ClientChainRejectedException rejection) {
    int code =
        rejection
            .diagnosis()
            .failure()
            .flatMap(Failure::openssl)
            .map(OpenSslError::code)
            .filter(CertificateVerifier::isValid)
            .orElse(CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    return new OpenSslCertificateException(rejection.getMessage(), rejection, code);
  }

  private static ReasonCode nearestReason(CertificateException cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException) {
        CertPathValidatorException.Reason reason = ((CertPathValidatorException) t).getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
          return ReasonCode.EXPIRED;
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return ReasonCode.NOT_YET_VALID;
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
          return ReasonCode.REVOKED;
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
          return ReasonCode.SIGNATURE_INVALID;
        }
        if (reason == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
          return ReasonCode.WEAK_KEY_OR_ALGORITHM;
        }
        if (reason == PKIXReason.INVALID_KEY_USAGE) {
          return ReasonCode.WRONG_PURPOSE;
        }
        if (reason == PKIXReason.NOT_CA_CERT) {
          return ReasonCode.ISSUER_NOT_CA;
        }
        if (reason == PKIXReason.PATH_TOO_LONG) {
          return ReasonCode.PATH_LENGTH_EXCEEDED;
        }
      }
    }
    return ReasonCode.ISSUER_NOT_FOUND;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies client certificates only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies client certificates only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies client certificates only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return acceptedIssuers.clone();
  }
}
