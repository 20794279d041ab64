package io.chainsight.core.certs;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one Bouncy Castle provider instance, used explicitly (never installed as a JVM-wide
 * provider), and only for what the JDK's providers cannot do: building it registers some thousand
 * algorithm classes, which a proxy serving well-formed EC and RSA certificates never needs (the
 * holder keeps it unbuilt until then).
 */
public final class BouncyCastle {
  private BouncyCastle() {}

  /** The provider, built on first use. */
  public static Provider provider() {
    return Holder.PROVIDER;
  }

  /**
   * Whether {@code key} made the certificate's signature: the JDK's providers decide when they say
   * yes, Bouncy Castle's when they do not (an algorithm or key the JDK lacks), so the answer is
   * Bouncy Castle's as before, without loading it for the common case.
   */
  public static boolean signedBy(X509Certificate certificate, PublicKey key) {
    try {
      certificate.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      try {
        certificate.verify(key, provider());
        return true;
      } catch (GeneralSecurityException | RuntimeException again) {
        return false;
      }
    }
  }

  /**
   * Whether {@code key} made the CRL's signature (as {@link #signedBy(X509Certificate,
   * PublicKey)}).
   */
  public static boolean signedBy(X509CRL crl, PublicKey key) {
    try {
      crl.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      try {
        crl.verify(key, provider());
        return true;
      } catch (GeneralSecurityException | RuntimeException again) {
        return false;
      }
    }
  }

  private static final class Holder {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }
}
