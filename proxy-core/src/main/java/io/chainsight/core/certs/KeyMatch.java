package io.chainsight.core.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Whether a private key belongs to a public key. Where the private key carries its public half (an
 * RSA key's modulus and exponent; an EC key's point, which OpenSSL writes into every key it makes)
 * the halves are compared, as OpenSSL's {@code X509_check_private_key} and BoringSSL do; otherwise
 * a probe is signed with one and verified with the other (any key type). Comparing costs nothing;
 * signing in a JVM that has just started is a tenth of a second of CPU, twice a start.
 */
public final class KeyMatch {
  private static final byte[] PROBE = "chainsight key check".getBytes(StandardCharsets.US_ASCII);

  private KeyMatch() {}

  public static boolean matches(PrivateKey key, PublicKey publicKey) {
    Boolean halves = publicHalvesMatch(key, publicKey);
    if (halves != null) {
      return halves;
    }
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

  /** Whether the public halves are the same; null when the private key does not carry its own. */
  private static Boolean publicHalvesMatch(PrivateKey key, PublicKey publicKey) {
    if (key instanceof RSAPrivateCrtKey && publicKey instanceof RSAPublicKey) {
      RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
      RSAPublicKey expected = (RSAPublicKey) publicKey;
      return rsa.getModulus().equals(expected.getModulus())
          && rsa.getPublicExponent().equals(expected.getPublicExponent());
    }
    if (!key.getAlgorithm().startsWith("EC") || !publicKey.getAlgorithm().startsWith("EC")) {
      return null;
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      ASN1BitString point = ECPrivateKey.getInstance(info.parsePrivateKey()).getPublicKey();
      if (point == null) {
        return null;
      }
      SubjectPublicKeyInfo expected = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
      return info.getPrivateKeyAlgorithm().equals(expected.getAlgorithm())
          && Arrays.equals(point.getOctets(), expected.getPublicKeyData().getOctets());
    } catch (IOException | RuntimeException e) {
      return null;
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
