package io.chainsight.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.access.AccessRule.InvalidRuleException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A rule checks its values when built, and says what it expected in terms an operator can act on.
 */
class AccessRuleTest {
  private static InvalidRuleException invalid(Map<String, String> fields) {
    try {
      AccessRule.of(fields);
    } catch (InvalidRuleException e) {
      return e;
    }
    throw new AssertionError("expected " + fields + " to be refused");
  }

  private static String problem(String field, String value) {
    return invalid(Map.of(field, value)).at("access.allow[2]");
  }

  @Test
  void anEmptyRuleIsRefusedAndTheEmptyListIsNamedAsTheWayToAllowAll() {
    InvalidRuleException e = invalid(Map.of());

    assertThat(e.field()).isEmpty();
    assertThat(e.at("access.allow[2]"))
        .isEqualTo(
            "access.allow[2]: empty rule (expected: at least one of "
                + "subject-cn, subject, ou, san-dns, san-uri, san-ip, issuer-cn, spki-sha256, fingerprint-sha256; "
                + "an empty list allows every verified certificate)");
  }

  @Test
  void aBlankValueIsRefused() {
    assertThat(problem("subject-cn", " "))
        .isEqualTo(
            "access.allow[2].subject-cn: \" \" (expected: a non-empty "
                + "value; leave the field out to match anything)");
  }

  @Test
  void aMalformedSubjectIsRefusedWithTheOpensslCommandThatPrintsOne() {
    assertThat(problem("subject", "keylime-tenant"))
        .isEqualTo(
            "access.allow[2].subject: \"keylime-tenant\" "
                + "(expected: a distinguished name in RFC 4514 form, e.g. \"CN=keylime-tenant,O=chainsight example\"; "
                + "print a certificate's with `openssl x509 -in CERT -noout -subject -nameopt RFC2253`)");
  }

  @Test
  void aHostNameIsNotAnIpAddress() {
    assertThat(problem("san-ip", "registrar.keylime.test"))
        .isEqualTo(
            "access.allow[2].san-ip: "
                + "\"registrar.keylime.test\" (expected: an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10; "
                + "no host names, no ranges)");
  }

  @Test
  void aRangeIsNotAnIpAddress() {
    assertThat(invalid(Map.of("san-ip", "10.0.0.0/8")).field()).contains("san-ip");
    assertThat(invalid(Map.of("san-ip", "10.0.0.256")).field()).contains("san-ip");
  }

  @Test
  void aPinThatIsNotHexOrBase64IsRefusedWithTheCommandThatMakesOne() {
    assertThat(problem("spki-sha256", "not a pin!"))
        .isEqualTo(
            "access.allow[2].spki-sha256: \"not a pin!\" "
                + "(expected: the SHA-256 of the certificate's public key (SubjectPublicKeyInfo), as 64 hex digits "
                + "(colons allowed) or 44 base64 characters: `openssl x509 -in CERT -noout -pubkey | openssl pkey -pubin "
                + "-outform der | openssl dgst -sha256 -binary | base64`)");
  }

  @Test
  void aPinOfTheWrongLengthSaysHowLongItWas() {
    assertThat(problem("spki-sha256", "q0rlUbzShM6qDTDr/3wn8VKyeqU="))
        .startsWith(
            "access.allow[2].spki-sha256: "
                + "\"q0rlUbzShM6qDTDr/3wn8VKyeqU=\" (expected: found 20 bytes: a SHA-1 digest?; the SHA-256 of the ");
  }

  @Test
  void aSha1FingerprintIsRecognizedAsOne() {
    String sha1 = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01";

    assertThat(problem("fingerprint-sha256", sha1))
        .isEqualTo(
            "access.allow[2].fingerprint-sha256: \""
                + sha1
                + "\" (expected: found 20 bytes: a SHA-1 digest?; the SHA-256 of the whole certificate as 64 hex digits, "
                + "colons allowed: `openssl x509 -in CERT -noout -fingerprint -sha256`)");
  }

  @Test
  void aFingerprintInBase64IsRefused() {
    assertThat(
            invalid(Map.of("fingerprint-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="))
                .field())
        .contains("fingerprint-sha256");
  }

  @Test
  void anUnknownFieldIsRefusedListingTheKnownOnes() {
    assertThat(invalid(Map.of("cn", "x")).at("routes[1].access.allow[0]"))
        .isEqualTo(
            "routes[1].access.allow[0].cn: "
                + "unknown field (expected: one of subject-cn, subject, ou, san-dns, san-uri, san-ip, issuer-cn, spki-sha256, "
                + "fingerprint-sha256)");
  }

  @Test
  void theFieldsComeBackByTheirSettingNamesInDeclarationOrder() {
    AccessRule rule =
        new AccessRule(
            Optional.of("a*"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("::1"),
            Optional.of("CA"),
            Optional.empty(),
            Optional.empty());

    assertThat(rule.fields())
        .containsExactly(
            Map.entry("subject-cn", "a*"),
            Map.entry("san-ip", "::1"),
            Map.entry("issuer-cn", "CA"));
    assertThat(AccessRule.of(rule.fields())).isEqualTo(rule);
  }
}
