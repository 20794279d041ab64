package io.chainsight.core.access;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One entry of {@code access.allow}: a client is allowed when every field that is set matches its
 * verified leaf certificate (fields left out match anything). Globs ({@code *} any run of
 * characters, {@code ?} one) apply to {@code subject-cn}, {@code san-dns} and {@code san-uri}.
 *
 * <p>A rule checks itself when built: one with no field set, or with a pin, fingerprint, address or
 * name that cannot be read, is an {@link InvalidRuleException} naming the field, the value and the
 * expected form.
 *
 * @param subjectCn {@code subject-cn}: glob on the subject's common name
 * @param subject {@code subject}: the full subject DN, RFC 4514, compared as a name (not as text)
 * @param ou {@code ou}: one of the subject's organizational units, exactly
 * @param sanDns {@code san-dns}: glob on any DNS subjectAltName
 * @param sanUri {@code san-uri}: glob on any URI subjectAltName (SPIFFE: {@code
 *     spiffe://keylime.example/agent/*})
 * @param sanIp {@code san-ip}: any IP subjectAltName, as an address (so {@code ::1} equals {@code
 *     0:0:0:0:0:0:0:1})
 * @param issuerCn {@code issuer-cn}: the issuer's common name, exactly
 * @param spkiSha256 {@code spki-sha256}: SHA-256 of the leaf's SubjectPublicKeyInfo, hex or base64
 *     (a key pin)
 * @param fingerprintSha256 {@code fingerprint-sha256}: SHA-256 of the leaf's DER, hex (colons
 *     allowed)
 */
public record AccessRule(
    Optional<String> subjectCn,
    Optional<String> subject,
    Optional<String> ou,
    Optional<String> sanDns,
    Optional<String> sanUri,
    Optional<String> sanIp,
    Optional<String> issuerCn,
    Optional<String> spkiSha256,
    Optional<String> fingerprintSha256) {

  /**
   * The setting names of the fields, in declaration order: the keys of a rule in the config file.
   */
  public static final List<String> FIELDS =
      List.of(
          "subject-cn",
          "subject",
          "ou",
          "san-dns",
          "san-uri",
          "san-ip",
          "issuer-cn",
          "spki-sha256",
          "fingerprint-sha256");

  private static final String OPENSSL_SUBJECT =
      "openssl x509 -in CERT -noout -subject -nameopt RFC2253";
  private static final String OPENSSL_PIN =
      "openssl x509 -in CERT -noout -pubkey | openssl pkey -pubin "
          + "-outform der | openssl dgst -sha256 -binary | base64";
  private static final String OPENSSL_FINGERPRINT =
      "openssl x509 -in CERT -noout -fingerprint -sha256";

  public AccessRule {
    Map<String, Optional<String>> fields = new LinkedHashMap<>();
    fields.put("subject-cn", subjectCn);
    fields.put("subject", subject);
    fields.put("ou", ou);
    fields.put("san-dns", sanDns);
    fields.put("san-uri", sanUri);
    fields.put("san-ip", sanIp);
    fields.put("issuer-cn", issuerCn);
    fields.put("spki-sha256", spkiSha256);
    fields.put("fingerprint-sha256", fingerprintSha256);
    boolean any = false;
    for (Map.Entry<String, Optional<String>> field : fields.entrySet()) {
      if (field.getValue() == null) {
        throw new NullPointerException(
            field.getKey() + " (expected: Optional.empty() when not set)");
      }
      if (field.getValue().isPresent()) {
        any = true;
        check(field.getKey(), field.getValue().get());
      }
    }
    if (!any) {
      throw new InvalidRuleException(
          null,
          "empty rule (expected: at least one of "
              + String.join(", ", FIELDS)
              + "; an empty list allows every verified certificate)");
    }
  }

  /** A rule from its setting names ({@code subject-cn} to value); an unknown name is an error. */
  public static AccessRule of(Map<String, String> fields) {
    for (String name : fields.keySet()) {
      if (!FIELDS.contains(name)) {
        throw new InvalidRuleException(
            name, "unknown field (expected: one of " + String.join(", ", FIELDS) + ")");
      }
    }
    Function<String, Optional<String>> get = name -> Optional.ofNullable(fields.get(name));
    return new AccessRule(
        get.apply("subject-cn"),
        get.apply("subject"),
        get.apply("ou"),
        get.apply("san-dns"),
        get.apply("san-uri"),
        get.apply("san-ip"),
        get.apply("issuer-cn"),
        get.apply("spki-sha256"),
        get.apply("fingerprint-sha256"));
  }

  /** The fields that are set, by setting name, in declaration order. */
  public Map<String, String> fields() {
    Map<String, String> set = new LinkedHashMap<>();
    subjectCn.ifPresent(v -> set.put("subject-cn", v));
    subject.ifPresent(v -> set.put("subject", v));
    ou.ifPresent(v -> set.put("ou", v));
    sanDns.ifPresent(v -> set.put("san-dns", v));
    sanUri.ifPresent(v -> set.put("san-uri", v));
    sanIp.ifPresent(v -> set.put("san-ip", v));
    issuerCn.ifPresent(v -> set.put("issuer-cn", v));
    spkiSha256.ifPresent(v -> set.put("spki-sha256", v));
    fingerprintSha256.ifPresent(v -> set.put("fingerprint-sha256", v));
    return set;
  }

  private static void check(String field, String value) {
    if (value.isBlank()) {
      throw invalid(field, value, "a non-empty value; leave the field out to match anything");
    }
    switch (field) {
      case "subject" -> {
        if (RuleValues.distinguishedName(value).isEmpty()) {
          throw invalid(
              field,
              value,
              "a distinguished name in RFC 4514 form, e.g. "
                  + "\"CN=keylime-tenant,O=chainsight example\"; print a certificate's with `"
                  + OPENSSL_SUBJECT
                  + "`");
        }
      }
      case "san-ip" -> {
        if (RuleValues.ipAddress(value).isEmpty()) {
          throw invalid(
              field,
              value,
              "an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10; "
                  + "no host names, no ranges");
        }
      }
      case "spki-sha256" -> {
        Optional<byte[]> pin = RuleValues.hexOrBase64(value);
        if (pin.isEmpty() || pin.get().length != RuleValues.SHA256_BYTES) {
          throw invalid(
              field,
              value,
              RuleValues.lengthHint(pin)
                  + "the SHA-256 of the certificate's public key (SubjectPublicKeyInfo), as 64 hex digits (colons "
                  + "allowed) or 44 base64 characters: `"
                  + OPENSSL_PIN
                  + "`");
        }
      }
      case "fingerprint-sha256" -> {
        Optional<byte[]> fingerprint = RuleValues.hex(value);
        if (fingerprint.isEmpty() || fingerprint.get().length != RuleValues.SHA256_BYTES) {
          throw invalid(
              field,
              value,
              RuleValues.lengthHint(fingerprint)
                  + "the SHA-256 of the whole certificate as 64 hex digits, colons allowed: `"
                  + OPENSSL_FINGERPRINT
                  + "`");
        }
      }
      default -> {
        // subject-cn, ou, san-dns, san-uri, issuer-cn: any non-empty text is a valid glob or name.
      }
    }
  }

  private static InvalidRuleException invalid(String field, String value, String expected) {
    return new InvalidRuleException(field, "\"" + value + "\" (expected: " + expected + ")");
  }

  /**
   * A rule that cannot be used. The message is relative to the rule ({@code spki-sha256: "..."
   * (expected: ...)}); {@link #at} puts it where the rule is written.
   */
  public static final class InvalidRuleException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    InvalidRuleException(String field, String problem) {
      super(field == null ? problem : field + ": " + problem);
      this.field = field;
      this.problem = problem;
    }

    /** The field at fault; empty when the rule as a whole is (an empty rule). */
    public Optional<String> field() {
      return Optional.ofNullable(field);
    }

    /**
     * The problem, prefixed by the rule's place: {@code at("access.allow[2]")} is {@code
     * access.allow[2].san-ip: ...}.
     */
    public String at(String rule) {
      return field == null ? rule + ": " + problem : rule + "." + field + ": " + problem;
    }
  }
}
