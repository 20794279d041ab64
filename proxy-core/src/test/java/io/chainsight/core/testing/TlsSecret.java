package io.chainsight.core.testing;

import io.chainsight.core.certs.HeldCertificate;
import java.util.Map;

/**
 * The payload of a {@code kubernetes.io/tls} Secret as cert-manager writes it, for {@link
 * KubeletVolume#update}: {@code tls.crt} the leaf and the intermediate, {@code tls.key} the leaf's
 * key, {@code ca.crt} the root.
 */
public final class TlsSecret {
  private TlsSecret() {}

  /** The Secret cert-manager writes for {@code leaf}, issued by {@code pki}'s intermediate. */
  public static Map<String, String> of(HeldCertificate leaf, TestPki pki) {
    return withKeyOf(leaf, leaf, pki);
  }

  /**
   * A Secret edited by hand, half right: {@code tls.crt} holds {@code leaf}, {@code tls.key} the
   * key of {@code keyOwner}.
   */
  public static Map<String, String> withKeyOf(
      HeldCertificate leaf, HeldCertificate keyOwner, TestPki pki) {
    return Map.of(
        "tls.crt", leaf.certificatePem() + pki.intermediate().certificatePem(),
        "tls.key", keyOwner.privateKeyPem(),
        "ca.crt", pki.root().certificatePem());
  }
}
