package io.chainsight.core.access;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;

/**
 * Who may call: {@code access.allow} compiled once, then evaluated against each verified client
 * certificate. Rules are tried in order and the first that matches allows; within a rule every
 * field that is set must match. An empty list allows any certificate that verified. Pure: no I/O,
 * no clock, no logging; the caller renders the {@link Decision}.
 */
public final class AccessPolicy {
  private final List<Compiled> rules;

  private AccessPolicy(List<Compiled> rules) {
    this.rules = rules;
  }

  /**
   * Compiles the rules (globs, names, addresses, digests), which checked their values when they
   * were built.
   */
  public static AccessPolicy of(List<AccessRule> rules) {
    List<Compiled> compiled = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      compiled.add(new Compiled(Objects.requireNonNull(rules.get(i), "rule " + i), i + 1));
    }
    return new AccessPolicy(List.copyOf(compiled));
  }

  /** No rules: every verified certificate is allowed, and evaluating is not needed. */
  public boolean allowsAny() {
    return rules.isEmpty();
  }

  /** The rules, as configured. */
  public List<AccessRule> rules() {
    return rules.stream().map(r -> r.rule).toList();
  }

  /** Tries each rule in order against the leaf of a chain that already verified. */
  public Decision evaluate(X509Certificate leaf) {
    ClientCertificate client = new ClientCertificate(Objects.requireNonNull(leaf, "leaf"));
    List<String> tried = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      Compiled rule = rules.get(i);
      tried.add(rule.rendered);
      if (matches(rule, client)) {
        return new Decision(true, OptionalInt.of(i), client.identity(), tried);
      }
    }
    return new Decision(rules.isEmpty(), OptionalInt.empty(), client.identity(), tried);
  }

  /**
   * One rule against one certificate: every field the rule sets must match; an unset field matches
   * anything.
   */
  private static boolean matches(Compiled rule, ClientCertificate client) {
    // subject-cn: a glob on the subject's common name (any of them, should there be several)
    if (rule.subjectCn != null
        && client.commonNames().stream().noneMatch(rule.subjectCn::matches)) {
      return false;
    }
    // subject: the whole subject as an X.500 name, so spacing, attribute-name case and string types
    // do not matter
    if (rule.subject != null && !rule.subject.equals(client.subject())) {
      return false;
    }
    // ou: one of the subject's organizational units, exactly
    if (rule.ou != null && !client.organizationalUnits().contains(rule.ou)) {
      return false;
    }
    // san-dns: a glob on any DNS subjectAltName, ignoring case as DNS does
    if (rule.sanDns != null && client.dnsNames().stream().noneMatch(rule.sanDns::matches)) {
      return false;
    }
    // san-uri: a glob on any URI subjectAltName (a SPIFFE id), case-sensitive; * spans "/"
    if (rule.sanUri != null && client.uris().stream().noneMatch(rule.sanUri::matches)) {
      return false;
    }
    // san-ip: any IP subjectAltName, compared as an address (::1 is 0:0:0:0:0:0:0:1)
    if (rule.sanIp != null && !client.ipAddresses().contains(rule.sanIp)) {
      return false;
    }
    // issuer-cn: the issuing CA's common name, exactly
    if (rule.issuerCn != null && !client.issuerCommonNames().contains(rule.issuerCn)) {
      return false;
    }
    // spki-sha256: a pin on the public key, which survives re-issuing the certificate with the same
    // key
    if (rule.spkiSha256 != null && !MessageDigest.isEqual(rule.spkiSha256, client.spkiSha256())) {
      return false;
    }
    // fingerprint-sha256: this one certificate and no other
    return rule.fingerprintSha256 == null
        || MessageDigest.isEqual(rule.fingerprintSha256, client.fingerprintSha256());
  }

  /**
   * The outcome for one certificate.
   *
   * @param allowed whether the client may call
   * @param matchedRule the index (from 0) of the rule that allowed it, into the configured list and
   *     into {@code rulesTried}; empty when denied, or when there are no rules
   * @param identity {@code authenticated as <subject>, SANs [DNS:..., URI:..., IP:...]}
   * @param rulesTried the rules evaluated, in order, up to the one that matched: {@code #1
   *     {subject-cn = "tenant-*"}}
   */
  public record Decision(
      boolean allowed, OptionalInt matchedRule, String identity, List<String> rulesTried) {
    public Decision {
      Objects.requireNonNull(matchedRule, "matchedRule");
      Objects.requireNonNull(identity, "identity");
      rulesTried = List.copyOf(rulesTried);
    }

    /**
     * One line for the log: {@code authenticated as ...; no rule matched (tried: #1 {...}, #2
     * {...})}, or {@code authenticated as ...; allowed by #2 {...}}.
     */
    public String explanation() {
      if (matchedRule.isPresent()) {
        return identity + "; allowed by " + rulesTried.get(matchedRule.getAsInt());
      }
      if (allowed) {
        return identity + "; allowed: no access rules (any verified certificate)";
      }
      return identity + "; no rule matched (tried: " + String.join(", ", rulesTried) + ")";
    }
  }

  /** A rule with its patterns and values parsed once; a null field is not set. */
  private static final class Compiled {
    final AccessRule rule;
    final String rendered;
    final Glob subjectCn;
    final X500Principal subject;
    final String ou;
    final Glob sanDns;
    final Glob sanUri;
    final InetAddress sanIp;
    final String issuerCn;
    final byte[] spkiSha256;
    final byte[] fingerprintSha256;

    /**
     * The rule's values were checked when it was built, so the parsers cannot come back empty here.
     */
    Compiled(AccessRule rule, int number) {
      this.rule = rule;
      this.rendered = render(rule, number);
      this.subjectCn = rule.subjectCn().map(Glob::caseSensitive).orElse(null);
      this.subject = rule.subject().flatMap(RuleValues::distinguishedName).orElse(null);
      this.ou = rule.ou().orElse(null);
      this.sanDns = rule.sanDns().map(Glob::ignoringCase).orElse(null);
      this.sanUri = rule.sanUri().map(Glob::caseSensitive).orElse(null);
      this.sanIp = rule.sanIp().flatMap(RuleValues::ipAddress).orElse(null);
      this.issuerCn = rule.issuerCn().orElse(null);
      this.spkiSha256 = rule.spkiSha256().flatMap(RuleValues::hexOrBase64).orElse(null);
      this.fingerprintSha256 = rule.fingerprintSha256().flatMap(RuleValues::hex).orElse(null);
    }

    /**
     * {@code #2 {subject-cn = "tenant-*", issuer-cn = "Keylime CA"}}: as the rule is written,
     * HOCON-quoted.
     */
    private static String render(AccessRule rule, int number) {
      return "#"
          + number
          + " {"
          + rule.fields().entrySet().stream()
              .map(AccessPolicy.Compiled::field)
              .collect(Collectors.joining(", "))
          + "}";
    }

    private static String field(Map.Entry<String, String> field) {
      String value = field.getValue().replace("\\", "\\\\").replace("\"", "\\\"");
      return field.getKey() + " = \"" + value + "\"";
    }
  }
}
