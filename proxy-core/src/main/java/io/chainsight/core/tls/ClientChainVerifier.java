package io.chainsight.core.tls;

import io.chainsight.core.certs.TlsMaterial;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.PKIXReason;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates against {@code tls.trusted-cas} (and {@code tls.crls}) with the JDK's PKIX
 * validator: the fast path, run on every handshake. A rejection is thrown as {@link ClientChainRejectedException}
 * carrying the chain as presented, so the handshake logger can run the step-by-step diagnosis only when it
 * is needed.
 */
public final class ClientChainVerifier extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final X509Certificate[] acceptedIssuers;

  public ClientChainVerifier(TlsMaterial material) {
    this.acceptedIssuers = material.trustAnchors().toArray(X509Certificate[]::new);
    this.pkix = pkixTrustManager(material);
  }

  private static X509ExtendedTrustManager pkixTrustManager(TlsMaterial material) {
    Set<TrustAnchor> anchors = material.trustAnchors().stream()
        .map(certificate -> new TrustAnchor(certificate, null))
        .collect(Collectors.toSet());
    try {
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
      // Like OpenSSL with a CRL file: check revocation of every certificate only when CRLs are configured.
      parameters.setRevocationEnabled(!material.crls().isEmpty());
      if (!material.crls().isEmpty()) {
        parameters.addCertStore(CertStore.getInstance("Collection",
            new CollectionCertStoreParameters(material.crls())));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(new CertPathTrustManagerParameters(parameters));
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager) {
          return (X509ExtendedTrustManager) manager;
        }
      }
      throw new IllegalStateException("the JDK's PKIX TrustManagerFactory returned no X509ExtendedTrustManager");
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalArgumentException("tls.trusted-cas: no usable trust anchor (" + e.getMessage() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up PKIX verification: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw rejected(chain, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw rejected(chain, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw rejected(chain, e);
    }
  }

  /**
   * The exception BoringSSL turns into its verify error, and so into the alert the client receives (unknown_ca,
   * certificate_expired, ...), as nginx would send; it carries the chain for the diagnosis.
   */
  private static CertificateException rejected(X509Certificate[] chain, CertificateException cause) {
    ClientChainRejectedException rejection = new ClientChainRejectedException(chain, cause);
    return new OpenSslCertificateException(cause.getMessage(), rejection, opensslError(cause));
  }

  private static int opensslError(CertificateException cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException) {
        CertPathValidatorException.Reason reason = ((CertPathValidatorException) t).getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
          return CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
          return CertificateVerifier.X509_V_ERR_CERT_REVOKED;
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
          return CertificateVerifier.X509_V_ERR_CERT_SIGNATURE_FAILURE;
        }
        if (reason == PKIXReason.INVALID_KEY_USAGE) {
          return CertificateVerifier.X509_V_ERR_INVALID_PURPOSE;
        }
        if (reason == PKIXReason.NOT_CA_CERT) {
          return CertificateVerifier.X509_V_ERR_INVALID_CA;
        }
        if (reason == PKIXReason.PATH_TOO_LONG) {
          return CertificateVerifier.X509_V_ERR_PATH_LENGTH_EXCEEDED;
        }
      }
    }
    // No path to an anchor: what OpenSSL reports as error 20 and answers with unknown_ca.
    return CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
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
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager verifies client certificates only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return acceptedIssuers.clone();
  }
}
