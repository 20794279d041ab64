package io.chainsight.core.lint;

import io.chainsight.core.certs.BouncyCastle;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.KeyMatch;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks the chain the proxy serves the way a client will: order, the key against the leaf, each
 * link's signature, the issuers' CA flags, keyUsage and pathLen, validity, the serverAuth purpose,
 * whether the root is sent (and whether a leaf served alone lacks its intermediate), and whether
 * the leaf's SANs cover the listen host. Pure: certificates, key, host and time in, findings out.
 * Runs at startup (and on reload) and feeds the admin {@code /certs} endpoint.
 */
public final class ChainLint {
  /** A certificate expiring sooner than this is a warning. */
  public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String ANY_PURPOSE = "2.5.29.37.0";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;

  private ChainLint() {}

  /**
   * @param chain the served chain as configured, leaf first
   * @param key the served private key
   * @param listenHost {@code listen.host}; for 0.0.0.0 or :: localhost and 127.0.0.1 are checked
   *     instead
   * @param now the time to check validity at
   */
  public static List<LintFinding> lint(
      List<X509Certificate> chain, PrivateKey key, String listenHost, Instant now) {
    return lint(chain, key, listenHost, now, List.of());
  }

  /**
   * As {@link #lint(List, PrivateKey, String, Instant)}, with CA certificates known besides the
   * chain (the listener's {@code tls.trusted-cas}): when the chain is the leaf alone, they tell
   * whether its issuer is a root (clients can trust it directly) or an intermediate (it must be
   * sent).
   */
  public static List<LintFinding> lint(
      List<X509Certificate> chain,
      PrivateKey key,
      String listenHost,
      Instant now,
      List<X509Certificate> knownCas) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "chain: no certificates (expected: the served chain, leaf first)");
    }
    List<LintFinding> findings = new ArrayList<>();
    order(chain, findings);
    key(chain.get(0), key, findings);
    signatures(chain, findings);
    caConstraints(chain, findings);
    pathLength(chain, findings);
    validity(chain, now, findings);
    purpose(chain, findings);
    root(chain, knownCas, findings);
    HostNames.check(chain.get(0), listenHost, findings);
    return List.copyOf(findings);
  }

  private static void order(List<X509Certificate> chain, List<LintFinding> findings) {
    int before = findings.size();
    List<Integer> unique = new ArrayList<>();
    for (int k = 0; k < chain.size(); k++) {
      int first = firstCopy(chain, k);
      if (first < k) {
        findings.add(
            LintFinding.error(
                "order",
                k + 1,
                name(chain, k)
                    + " repeats certificate "
                    + (first + 1)
                    + " (expected: each certificate once; remove the duplicate from the file)"));
      } else {
        unique.add(k);
      }
    }
    for (int j = 1; j < chain.size(); j++) {
      if (!Certificates.isSelfIssued(chain.get(j)) && issuedBy(chain.get(j), chain.get(0))) {
        findings.add(
            LintFinding.error(
                "order",
                1,
                "certificate 1 ("
                    + Certificates.subject(chain.get(0))
                    + ") issued "
                    + name(chain, j)
                    + ", so it is not the server's own certificate (expected: the leaf first, then "
                    + "each certificate's issuer in turn: leaf, intermediate, root)"));
        return;
      }
    }
    List<Integer> path = pathFromLeaf(chain);
    int top = path.get(path.size() - 1);
    int wrong = 0;
    while (wrong < path.size() && path.get(wrong).equals(unique.get(wrong))) {
      wrong++;
    }
    if (path.size() == unique.size() && wrong < path.size()) {
      findings.add(
          LintFinding.error(
              "order",
              "the certificates are out of order: "
                  + name(chain, path.get(wrong - 1))
                  + " is issued by "
                  + name(chain, path.get(wrong))
                  + ", but "
                  + name(chain, unique.get(wrong))
                  + " follows it (expected: leaf first, then each certificate's issuer in turn; reorder the file as "
                  + path.stream().map(k -> String.valueOf(k + 1)).collect(Collectors.joining(", "))
                  + ")"));
    } else if (!Certificates.isSelfIssued(chain.get(top)) && path.size() < unique.size()) {
      findings.add(
          LintFinding.error(
              "order",
              top + 1,
              name(chain, top)
                  + " is issued by "
                  + Certificates.issuer(chain.get(top))
                  + ", which is not in the chain (expected: each certificate followed by its issuer; add "
                  + Certificates.issuer(chain.get(top))
                  + " after certificate "
                  + (top + 1)
                  + ")"));
    } else {
      for (int k = 0; k < chain.size(); k++) {
        if (!path.contains(k) && unique.contains(k)) {
          findings.add(
              LintFinding.error(
                  "order",
                  k + 1,
                  name(chain, k)
                      + " is not on the path from the leaf to the root "
                      + "(it issued none of the certificates before it) (expected: only the leaf and its issuers; remove it)"));
        }
      }
    }
    if (findings.size() == before) {
      findings.add(
          LintFinding.ok(
              "order",
              chain.size() == 1
                  ? "one certificate: the leaf alone"
                  : "each certificate is issued by the one after it: "
                      + chain.stream()
                          .map(Certificates::subject)
                          .collect(Collectors.joining(" <- "))));
    }
  }

  /**
   * Indexes from the leaf up, following issuer names, until a self-issued certificate or a missing
   * issuer.
   */
  private static List<Integer> pathFromLeaf(List<X509Certificate> chain) {
    List<Integer> path = new ArrayList<>(List.of(0));
    while (!Certificates.isSelfIssued(chain.get(path.get(path.size() - 1)))) {
      X509Certificate current = chain.get(path.get(path.size() - 1));
      int next = -1;
      for (int j = 0; j < chain.size() && next < 0; j++) {
        if (!path.contains(j) && firstCopy(chain, j) == j && issuedBy(current, chain.get(j))) {
          next = j;
        }
      }
      if (next < 0) {
        break;
      }
      path.add(next);
    }
    return path;
  }

  /**
   * The index of the first certificate equal to the one at {@code index} (itself when it is no
   * repeat).
   */
  private static int firstCopy(List<X509Certificate> chain, int index) {
    for (int k = 0; k < index; k++) {
      if (Certificates.sha256(chain.get(k)).equals(Certificates.sha256(chain.get(index)))) {
        return k;
      }
    }
    return index;
  }

  /**
   * How many certificates from the leaf each issue the one before: the part of the chain the link
   * checks read.
   */
  private static int linkedPrefix(List<X509Certificate> chain) {
    int k = 0;
    while (k + 1 < chain.size()
        && issuedBy(chain.get(k), chain.get(k + 1))
        && !Certificates.isSelfIssued(chain.get(k))) {
      k++;
    }
    return k + 1;
  }

  private static void key(X509Certificate leaf, PrivateKey key, List<LintFinding> findings) {
    PublicKey publicKey = leaf.getPublicKey();
    if (!sameFamily(key.getAlgorithm(), publicKey.getAlgorithm())) {
      findings.add(
          LintFinding.error(
              "key",
              1,
              "the private key is "
                  + key.getAlgorithm()
                  + ", but certificate 1 ("
                  + Certificates.subject(leaf)
                  + ") has a "
                  + publicKey.getAlgorithm()
                  + " key (expected: the key the "
                  + "leaf was issued for)"));
    } else if (!KeyMatch.matches(key, publicKey)) {
      findings.add(
          LintFinding.error(
              "key",
              1,
              "the private key does not match certificate 1 ("
                  + Certificates.subject(leaf)
                  + ") (expected: the key the leaf was issued for; compare "
                  + "`openssl x509 -noout -pubkey -in CHAIN` with `openssl pkey -pubout -in KEY`)"));
    } else {
      findings.add(LintFinding.ok("key", 1, "the private key matches the leaf's public key"));
    }
  }

  private static void signatures(List<X509Certificate> chain, List<LintFinding> findings) {
    int before = findings.size();
    int checked = 0;
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      if (!issuedBy(child, issuer)) {
        continue; // the order check has said so
      }
      checked++;
      if (!verifies(child, issuer.getPublicKey())) {
        findings.add(
            LintFinding.error(
                "signature",
                i + 1,
                name(chain, i)
                    + " names "
                    + Certificates.subject(issuer)
                    + " as its issuer, but its signature does not verify with the key of certificate "
                    + (i + 2)
                    + keyIds(child, issuer)
                    + "; clients fail with OpenSSL error 7 (certificate signature failure): the CA "
                    + "was re-created with a new key, so serve the CA certificate that signed it, or reissue certificate "
                    + (i + 1)));
      }
    }
    X509Certificate last = chain.get(chain.size() - 1);
    if (Certificates.isSelfIssued(last)) {
      checked++;
      if (!verifies(last, last.getPublicKey())) {
        findings.add(
            LintFinding.error(
                "signature",
                chain.size(),
                name(chain, chain.size() - 1)
                    + " is self-issued, but its "
                    + "self-signature does not verify (expected: a root signed with its own key; reissue it)"));
      }
    }
    if (findings.size() == before) {
      findings.add(
          checked == 0
              ? LintFinding.info(
                  "signature",
                  "no signature could be checked: no certificate is followed by its issuer")
              : LintFinding.ok(
                  "signature", "every signature in the chain verifies (" + checked + " checked)"));
    }
  }

  private static void caConstraints(List<X509Certificate> chain, List<LintFinding> findings) {
    int before = findings.size();
    for (int i = 1; i < chain.size(); i++) {
      X509Certificate ca = chain.get(i);
      if (!issuedBy(chain.get(i - 1), ca)) {
        continue;
      }
      if (ca.getBasicConstraints() < 0) {
        String why =
            ca.getExtensionValue(BASIC_CONSTRAINTS) == null ? "no basicConstraints" : "CA:FALSE";
        findings.add(
            LintFinding.error(
                "ca",
                i + 1,
                name(chain, i)
                    + " issues certificate "
                    + i
                    + " but is not a CA ("
                    + why
                    + "); clients fail with OpenSSL error 24 (invalid CA certificate): reissue it with "
                    + "basicConstraints critical, CA:TRUE"));
      }
      boolean[] usage = ca.getKeyUsage();
      if (usage != null && !usage[KEY_CERT_SIGN]) {
        findings.add(
            LintFinding.error(
                "ca",
                i + 1,
                name(chain, i)
                    + " has keyUsage without keyCertSign; clients fail "
                    + "with OpenSSL error 32 (key usage does not include certificate signing): reissue it with keyUsage "
                    + "keyCertSign, cRLSign"));
      }
    }
    if (chain.get(0).getBasicConstraints() >= 0) {
      findings.add(
          LintFinding.info(
              "ca",
              1,
              "certificate 1 ("
                  + Certificates.subject(chain.get(0))
                  + ") is a CA "
                  + "certificate (CA:TRUE); a server certificate is normally CA:FALSE"));
    }
    if (findings.size() == before) {
      findings.add(
          LintFinding.ok(
              "ca",
              chain.size() == 1
                  ? "no issuer in the chain to check"
                  : "each issuer in the chain is a CA (CA:TRUE) allowed to sign certificates"));
    }
  }

  private static void pathLength(List<X509Certificate> chain, List<LintFinding> findings) {
    int before = findings.size();
    int linked = linkedPrefix(chain);
    for (int i = 1; i < linked; i++) {
      int pathLen = chain.get(i).getBasicConstraints();
      int below = i - 1; // intermediate CAs between this one and the leaf
      if (pathLen >= 0 && pathLen != Integer.MAX_VALUE && below > pathLen) {
        findings.add(
            LintFinding.error(
                "path-length",
                i + 1,
                name(chain, i)
                    + " allows "
                    + pathLen
                    + " intermediate "
                    + "CA(s) below it (pathLen:"
                    + pathLen
                    + "), but "
                    + below
                    + " follow it; clients fail with OpenSSL "
                    + "error 25 (path length constraint exceeded): reissue it with a larger pathLen, or shorten the chain"));
      }
    }
    if (findings.size() == before) {
      findings.add(LintFinding.ok("path-length", "no pathLen constraint is exceeded"));
    }
  }

  private static void validity(
      List<X509Certificate> chain, Instant now, List<LintFinding> findings) {
    int before = findings.size();
    int soonest = 0;
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      Instant notBefore = certificate.getNotBefore().toInstant();
      Instant notAfter = certificate.getNotAfter().toInstant();
      if (notAfter.isBefore(chain.get(soonest).getNotAfter().toInstant())) {
        soonest = i;
      }
      if (now.isBefore(notBefore)) {
        findings.add(
            LintFinding.error(
                "validity",
                i + 1,
                name(chain, i)
                    + " is not valid until "
                    + notBefore
                    + " (in "
                    + describe(Duration.between(now, notBefore))
                    + "); clients fail with OpenSSL error 9 (certificate is "
                    + "not yet valid): check this host's clock, or reissue it with an earlier notBefore"));
      } else if (now.isAfter(notAfter)) {
        findings.add(
            LintFinding.error(
                "validity",
                i + 1,
                name(chain, i)
                    + " expired at "
                    + notAfter
                    + " ("
                    + describe(Duration.between(notAfter, now))
                    + " ago); clients fail with OpenSSL error 10 (certificate "
                    + "has expired): renew it"));
      } else if (Duration.between(now, notAfter).compareTo(EXPIRY_WARNING) < 0) {
        findings.add(
            LintFinding.warning(
                "validity",
                i + 1,
                name(chain, i)
                    + " expires at "
                    + notAfter
                    + ", in "
                    + describe(Duration.between(now, notAfter))
                    + ": renew it before then"));
      }
    }
    if (findings.size() == before) {
      Instant end = chain.get(soonest).getNotAfter().toInstant();
      findings.add(
          LintFinding.ok(
              "validity",
              "every certificate is valid now; the first to expire is "
                  + name(chain, soonest)
                  + ", at "
                  + end
                  + ", in "
                  + describe(Duration.between(now, end))));
    }
  }

  private static void purpose(List<X509Certificate> chain, List<LintFinding> findings) {
    int before = findings.size();
    X509Certificate leaf = chain.get(0);
    List<String> leafPurposes = purposes(leaf);
    if (leafPurposes != null && !allowsServerAuth(leafPurposes)) {
      findings.add(
          LintFinding.error(
              "purpose",
              1,
              name(chain, 0)
                  + " has extendedKeyUsage "
                  + describe(leafPurposes)
                  + " without serverAuth; clients fail with OpenSSL error 26 (unsupported certificate purpose, alert "
                  + "unsupported_certificate): reissue it with extendedKeyUsage serverAuth"));
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage != null && !usage[DIGITAL_SIGNATURE]) {
      findings.add(
          LintFinding.error(
              "purpose",
              1,
              name(chain, 0)
                  + " has keyUsage without digitalSignature; TLS 1.3 "
                  + "and ECDHE handshakes need the server to sign with this key: reissue it with keyUsage "
                  + "digitalSignature"));
    }
    for (int i = 1; i < chain.size(); i++) {
      List<String> caPurposes = purposes(chain.get(i));
      if (caPurposes != null && !allowsServerAuth(caPurposes)) {
        findings.add(
            LintFinding.error(
                "purpose",
                i + 1,
                name(chain, i)
                    + " restricts extendedKeyUsage to "
                    + describe(caPurposes)
                    + " without serverAuth; OpenSSL applies a CA's extendedKeyUsage to the "
                    + "certificates below it and fails with error 26 (unsupported certificate purpose): reissue it without "
                    + "extendedKeyUsage or with serverAuth"));
      }
    }
    if (findings.size() == before) {
      findings.add(
          leafPurposes == null
              ? LintFinding.info(
                  "purpose",
                  "certificate 1 has no extendedKeyUsage, so it may serve any purpose "
                      + "(OpenSSL, Go and Java accept it as a server certificate)")
              : LintFinding.ok("purpose", 1, "certificate 1 allows serverAuth"));
    }
  }

  private static void root(
      List<X509Certificate> chain, List<X509Certificate> knownCas, List<LintFinding> findings) {
    int lastIndex = chain.size() - 1;
    X509Certificate last = chain.get(lastIndex);
    if (Certificates.isSelfIssued(last)) {
      findings.add(
          LintFinding.info(
              "root",
              lastIndex + 1,
              chain.size() == 1
                  ? "certificate 1 is self-signed: clients must trust this exact certificate"
                  : "the chain includes the root "
                      + Certificates.subject(last)
                      + " ("
                      + encodedSize(last)
                      + " bytes): "
                      + "clients ignore it and use their own copy. Give clients this root alone, or first, in their CA "
                      + "file: clients that read only the first PEM block (rust-keylime's registrar_tls_ca_cert) "
                      + "otherwise trust only an intermediate and fail with OpenSSL error 2"));
      return;
    }
    if (chain.size() == 1) {
      leafAlone(last, knownCas, findings);
      return;
    }
    findings.add(
        LintFinding.info(
            "root",
            lastIndex + 1,
            "the chain ends at "
                + name(chain, lastIndex)
                + ", issued by "
                + Certificates.issuer(last)
                + ", which is not sent: clients need that root in their CA file (alone or first: some"
                + " clients read only the first PEM block)"));
  }

  /**
   * The leaf served alone. If its issuer is an intermediate, only clients whose CA file holds that
   * intermediate and its root, and that read every block of it, can build the path; a client that
   * reads only the first PEM block fails whatever its file holds (intermediate first: error 2, the
   * root first: error 20). Only serving the intermediate fixes that.
   */
  private static void leafAlone(
      X509Certificate leaf, List<X509Certificate> knownCas, List<LintFinding> findings) {
    String issuer = Certificates.issuer(leaf);
    String aki = Certificates.authorityKeyId(leaf);
    String issuerNamed = issuer + (aki == null ? "" : " (key id " + aki + ")");
    X509Certificate known = null;
    for (X509Certificate ca : knownCas) {
      if (ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())
          && verifies(leaf, ca.getPublicKey())) {
        known = ca;
      }
    }
    if (known != null && Certificates.isSelfIssued(known)) {
      findings.add(
          LintFinding.info(
              "root",
              1,
              "the chain is the leaf alone, issued directly by the root "
                  + issuerNamed
                  + ", which is not sent: clients need that root in their CA file (alone or first:"
                  + " some clients read only the first PEM block)"));
      return;
    }
    findings.add(
        LintFinding.warning(
            "intermediate",
            1,
            "the chain is the leaf alone: its issuer "
                + issuerNamed
                + (known != null
                    ? ", an intermediate CA (it is in tls.trusted-cas),"
                    : ", which is an intermediate unless it is itself a root clients trust,")
                + " is not sent. Clients that trust only the root fail with OpenSSL error 20"
                + " (unable to get local issuer certificate), and a client that reads only the first"
                + " PEM block of its CA file (rust-keylime's registrar_tls_ca_cert) fails whatever"
                + " that file holds: with the intermediate first, error 2 (unable to get issuer"
                + " certificate); with the root first, error 20. The server must send the"
                + " intermediate: add "
                + issuer
                + " to tls.certificate-chain right after the leaf (leaf, intermediate, then"
                + " optionally the root)"));
  }

  // ---- helpers ----

  private static boolean issuedBy(X509Certificate child, X509Certificate issuer) {
    return child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
  }

  private static String name(List<X509Certificate> chain, int index) {
    return "certificate " + (index + 1) + " (" + Certificates.subject(chain.get(index)) + ")";
  }

  private static String keyIds(X509Certificate child, X509Certificate issuer) {
    String aki = Certificates.authorityKeyId(child);
    String ski = Certificates.subjectKeyId(issuer);
    return aki != null && ski != null && !aki.equals(ski)
        ? " (its authority key id is " + aki + ", the issuer's subject key id is " + ski + ")"
        : "";
  }

  private static boolean verifies(X509Certificate certificate, PublicKey key) {
    return BouncyCastle.signedBy(certificate, key);
  }

  private static boolean sameFamily(String a, String b) {
    return a.equals(b) || (a.startsWith("EC") && b.startsWith("EC"));
  }

  /** The extendedKeyUsage OIDs, or null when the extension is absent (any purpose). */
  private static List<String> purposes(X509Certificate certificate) {
    try {
      return certificate.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return List.of("<unreadable extendedKeyUsage: " + e.getMessage() + ">");
    }
  }

  private static boolean allowsServerAuth(List<String> purposes) {
    return purposes.contains(SERVER_AUTH) || purposes.contains(ANY_PURPOSE);
  }

  private static String describe(List<String> purposes) {
    return purposes.stream()
        .map(Certificates::extendedKeyUsageName)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String describe(Duration duration) {
    long days = duration.toDays();
    if (days >= 2) {
      return days + " days";
    }
    long hours = duration.toHours();
    return hours >= 1 ? hours + " hours" : Math.max(duration.toMinutes(), 0) + " minutes";
  }

  private static int encodedSize(X509Certificate certificate) {
    try {
      return certificate.getEncoded().length;
    } catch (CertificateEncodingException e) {
      return 0;
    }
  }
}
