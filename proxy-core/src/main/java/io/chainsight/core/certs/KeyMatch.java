package io.chainsight.core.certs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Whether a private key belongs to a public key: sign a probe with one, verify with the other (any
 * key type).
 */
public final class KeyMatch {
  private static final byte[] PROBE = "chainsight key check".getBytes(StandardCharsets.US_ASCII);

  private KeyMatch() {}

  public static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        key.getAlgorithm().startsWith("EC")
            ? "SHA256withECDSA"
            : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : key.getAlgorithm();
    // The JDK's providers first: Bouncy Castle's only for a key type they do not know.
    try {
      return matches(
          key, publicKey, Signature.getInstance(algorithm), Signature.getInstance(algorithm));
    } catch (GeneralSecurityException | RuntimeException e) {
      try {
        return matches(
            key,
            publicKey,
            Signature.getInstance(algorithm, BouncyCastle.provider()),
            Signature.getInstance(algorithm, BouncyCastle.provider()));
      } catch (GeneralSecurityException | RuntimeException again) {
        return false;
      }
    }
  }

  private static boolean matches(
      PrivateKey key, PublicKey publicKey, Signature signer, Signature verifier)
      throws GeneralSecurityException {
    signer.initSign(key);
    signer.update(PROBE);
    byte[] signature = signer.sign();
    verifier.initVerify(publicKey);
    verifier.update(PROBE);
    return verifier.verify(signature);
  }
}
