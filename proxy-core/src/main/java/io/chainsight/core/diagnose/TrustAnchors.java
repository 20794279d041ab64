package io.chainsight.core.diagnose;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.security.auth.x500.X500Principal;

/**
 * The trust anchors, indexed once by subject so that each analysis only touches the few with the
 * right name (an OS bundle holds ~150).
 */
final class TrustAnchors {
  private final List<X509Certificate> certificates;
  private final List<CertificateRef> refs = new ArrayList<>();
  private final Map<X500Principal, List<Integer>> bySubject = new HashMap<>();

  TrustAnchors(List<X509Certificate> certificates) {
    this.certificates = List.copyOf(certificates);
    for (int i = 0; i < this.certificates.size(); i++) {
      X509Certificate anchor = this.certificates.get(i);
      refs.add(CertificateRef.anchor(i, OptionalInt.empty(), anchor));
      bySubject.computeIfAbsent(anchor.getSubjectX500Principal(), k -> new ArrayList<>()).add(i);
    }
  }

  int count() {
    return certificates.size();
  }

  List<X509Certificate> certificates() {
    return certificates;
  }

  List<String> subjects() {
    return refs.stream().map(CertificateRef::subject).toList();
  }

  /** Path nodes for the anchors with this subject, each noting where the peer also sent it. */
  List<PathNode> named(X500Principal subject, List<PathNode> presented) {
    List<PathNode> nodes = new ArrayList<>();
    for (int i : bySubject.getOrDefault(subject, List.of())) {
      nodes.add(node(i, presented));
    }
    return nodes;
  }

  /** The anchor that is byte-for-byte this certificate, if any. */
  Optional<PathNode> identicalTo(PathNode certificate, List<PathNode> presented) {
    for (int i :
        bySubject.getOrDefault(certificate.certificate().getSubjectX500Principal(), List.of())) {
      if (refs.get(i).sha256().equals(certificate.ref().sha256())) {
        return Optional.of(node(i, presented));
      }
    }
    return Optional.empty();
  }

  Optional<CertificateRef> withKeyId(String keyId) {
    return refs.stream().filter(r -> keyId.equals(r.subjectKeyId().orElse(null))).findFirst();
  }

  private PathNode node(int i, List<PathNode> presented) {
    OptionalInt presentedIndex = OptionalInt.empty();
    for (PathNode p : presented) {
      if (p.ref().sha256().equals(refs.get(i).sha256())) {
        presentedIndex = OptionalInt.of(p.ref().index());
        break;
      }
    }
    CertificateRef ref = refs.get(i);
    return new PathNode(
        certificates.get(i),
        presentedIndex.isPresent()
            ? new CertificateRef(
                ref.source(),
                ref.index(),
                presentedIndex,
                ref.subject(),
                ref.issuer(),
                ref.serial(),
                ref.sha256(),
                ref.subjectKeyId(),
                ref.authorityKeyId(),
                ref.notBefore(),
                ref.notAfter())
            : ref,
        true);
  }
}
