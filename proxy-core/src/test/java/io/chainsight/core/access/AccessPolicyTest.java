package io.chainsight.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.access.AccessPolicy.Decision;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access rules as a pure function: one test per field, per glob and case rule, and per decision
 * shape.
 */
class AccessPolicyTest {
  private static final String TENANT_SUBJECT =
      "CN=keylime-tenant,OU=operators,O=chainsight example";

  private static HeldCertificate ca;
  private static HeldCertificate tenant;
  private static HeldCertificate agent;

  @BeforeAll
  static void certificates() {
    ca =
        HeldCertificate.builder()
            .subject("CN=Keylime tenants CA,O=chainsight example")
            .certificateAuthority(0)
            .build();
    tenant =
        HeldCertificate.builder()
            .subject(TENANT_SUBJECT)
            .signedBy(ca)
            .purpose(Purpose.CLIENT_AUTH)
            .addSubjectAlternativeName("Tenant.Keylime.Test")
            .addUriSubjectAlternativeName("spiffe://keylime.example/tenant/admin")
            .addSubjectAlternativeName("192.0.2.10")
            .addSubjectAlternativeName("2001:db8::10")
            .build();
    agent =
        HeldCertificate.builder()
            .subject("CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000,O=chainsight example")
            .purpose(Purpose.CLIENT_AUTH)
            .addSubjectAlternativeName("agent.keylime.test")
            .addUriSubjectAlternativeName("spiffe://keylime.example/agent/d432fbb3/host-1")
            .build();
  }

  private static AccessRule rule(String field, String value) {
    return AccessRule.of(Map.of(field, value));
  }

  private static boolean allows(AccessRule rule, HeldCertificate client) {
    return AccessPolicy.of(List.of(rule)).evaluate(client.certificate()).allowed();
  }

  // ---- one field at a time ----

  @Test
  void subjectCnIsAGlobOnTheCommonName() {
    assertThat(allows(rule("subject-cn", "keylime-tenant"), tenant)).isTrue();
    assertThat(allows(rule("subject-cn", "keylime-*"), tenant)).isTrue();
    assertThat(allows(rule("subject-cn", "keylime"), tenant)).isFalse();
    assertThat(allows(rule("subject-cn", "chainsight example"), tenant))
        .as("the O is not the CN")
        .isFalse();
  }

  @Test
  void subjectCnIsCaseSensitive() {
    assertThat(allows(rule("subject-cn", "Keylime-Tenant"), tenant)).isFalse();
  }

  @Test
  void subjectComparesAsANameNotAsText() {
    assertThat(allows(rule("subject", TENANT_SUBJECT), tenant)).isTrue();
    assertThat(
            allows(
                rule("subject", "cn=keylime-tenant, ou=operators, o=chainsight example"), tenant))
        .isTrue();
    assertThat(
            allows(rule("subject", "CN=keylime-tenant,OU=operators,O=Chainsight Example"), tenant))
        .as("X.500 matching ignores case in values")
        .isTrue();
    assertThat(
            allows(rule("subject", "O=chainsight example,OU=operators,CN=keylime-tenant"), tenant))
        .as("RDN order is part of the name")
        .isFalse();
    assertThat(allows(rule("subject", "CN=keylime-tenant,O=chainsight example"), tenant))
        .as("a name with an RDN fewer is another name")
        .isFalse();
  }

  @Test
  void ouMatchesOneOrganizationalUnitExactly() {
    assertThat(allows(rule("ou", "operators"), tenant)).isTrue();
    assertThat(allows(rule("ou", "Operators"), tenant)).isFalse();
    assertThat(allows(rule("ou", "operator*"), tenant)).as("ou is not a glob").isFalse();
    assertThat(allows(rule("ou", "operators"), agent)).isFalse();
  }

  @Test
  void sanDnsIsAGlobThatIgnoresCase() {
    assertThat(allows(rule("san-dns", "tenant.keylime.test"), tenant)).isTrue();
    assertThat(allows(rule("san-dns", "*.KEYLIME.test"), tenant)).isTrue();
    assertThat(allows(rule("san-dns", "*.keylime.example"), tenant)).isFalse();
    assertThat(allows(rule("san-dns", "tenant.keylime.test"), agent)).isFalse();
  }

  @Test
  void sanUriIsAGlobWhoseStarSpansPathSegments() {
    assertThat(allows(rule("san-uri", "spiffe://keylime.example/agent/*"), agent)).isTrue();
    assertThat(allows(rule("san-uri", "spiffe://keylime.example/agent/*"), tenant)).isFalse();
    assertThat(allows(rule("san-uri", "spiffe://keylime.example/*/admin"), tenant)).isTrue();
    assertThat(allows(rule("san-uri", "spiffe://other.example/agent/*"), agent)).isFalse();
  }

  @Test
  void sanUriIsCaseSensitive() {
    assertThat(allows(rule("san-uri", "spiffe://keylime.example/Agent/*"), agent)).isFalse();
  }

  @Test
  void sanUriLiteralDotsDoNotMatchOtherCharacters() {
    assertThat(allows(rule("san-uri", "spiffe://keylime.example/tenant/admin"), tenant)).isTrue();
    assertThat(allows(rule("san-uri", "spiffe://keylimeXexample/tenant/admin"), tenant)).isFalse();
  }

  @Test
  void sanIpComparesIpv4Addresses() {
    assertThat(allows(rule("san-ip", "192.0.2.10"), tenant)).isTrue();
    assertThat(allows(rule("san-ip", "192.0.2.1"), tenant)).isFalse();
    assertThat(allows(rule("san-ip", "192.0.2.10"), agent)).isFalse();
  }

  @Test
  void sanIpComparesIpv6AddressesInAnyWrittenForm() {
    assertThat(allows(rule("san-ip", "2001:db8::10"), tenant)).isTrue();
    assertThat(allows(rule("san-ip", "2001:DB8:0:0:0:0:0:10"), tenant)).isTrue();
    assertThat(allows(rule("san-ip", "2001:0db8:0000::0010"), tenant)).isTrue();
    assertThat(allows(rule("san-ip", "[2001:db8::10]"), tenant)).isTrue();
    assertThat(allows(rule("san-ip", "2001:db8::1"), tenant)).isFalse();
  }

  @Test
  void issuerCnMatchesTheIssuingCaExactly() {
    assertThat(allows(rule("issuer-cn", "Keylime tenants CA"), tenant)).isTrue();
    assertThat(allows(rule("issuer-cn", "Keylime tenants"), tenant)).isFalse();
    assertThat(allows(rule("issuer-cn", "Keylime tenants CA"), agent)).isFalse();
  }

  @Test
  void spkiSha256AcceptsHexWithOrWithoutColonsInAnyCaseAndBase64() throws Exception {
    byte[] pin =
        MessageDigest.getInstance("SHA-256")
            .digest(tenant.certificate().getPublicKey().getEncoded());
    String hex = HexFormat.of().formatHex(pin);

    assertThat(allows(rule("spki-sha256", hex), tenant)).isTrue();
    assertThat(
            allows(
                rule("spki-sha256", HexFormat.ofDelimiter(":").withUpperCase().formatHex(pin)),
                tenant))
        .isTrue();
    assertThat(allows(rule("spki-sha256", Base64.getEncoder().encodeToString(pin)), tenant))
        .isTrue();
    assertThat(allows(rule("spki-sha256", hex), agent)).isFalse();
  }

  @Test
  void spkiSha256FollowsTheKeyAcrossReissuedCertificates() {
    HeldCertificate reissued =
        HeldCertificate.builder()
            .subject("CN=keylime-tenant-renewed")
            .keyPair(tenant.keyPair())
            .signedBy(ca)
            .build();
    String pin =
        Base64.getEncoder()
            .encodeToString(sha256(tenant.certificate().getPublicKey().getEncoded()));

    assertThat(allows(rule("spki-sha256", pin), reissued)).isTrue();
    assertThat(
            allows(rule("fingerprint-sha256", Certificates.sha256(tenant.certificate())), reissued))
        .isFalse();
  }

  @Test
  void fingerprintSha256MatchesOneCertificateInTheOpensslForm() {
    String openssl =
        HexFormat.ofDelimiter(":")
            .withUpperCase()
            .formatHex(Certificates.sha256Bytes(tenant.certificate()));

    assertThat(allows(rule("fingerprint-sha256", openssl), tenant)).isTrue();
    assertThat(
            allows(rule("fingerprint-sha256", Certificates.sha256(tenant.certificate())), tenant))
        .isTrue();
    assertThat(allows(rule("fingerprint-sha256", openssl), agent)).isFalse();
  }

  // ---- rules and lists ----

  @Test
  void everyFieldOfARuleMustMatch() {
    AccessRule both =
        AccessRule.of(Map.of("subject-cn", "keylime-tenant", "issuer-cn", "another CA"));

    assertThat(allows(both, tenant)).isFalse();
    assertThat(
            allows(
                AccessRule.of(
                    Map.of("subject-cn", "keylime-tenant", "issuer-cn", "Keylime tenants CA")),
                tenant))
        .isTrue();
  }

  @Test
  void anEmptyListAllowsAnyVerifiedCertificate() {
    AccessPolicy policy = AccessPolicy.of(List.of());

    Decision decision = policy.evaluate(agent.certificate());

    assertThat(policy.allowsAny()).isTrue();
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.matchedRule()).isEmpty();
    assertThat(decision.rulesTried()).isEmpty();
    assertThat(decision.explanation())
        .endsWith("; allowed: no access rules (any verified certificate)");
  }

  @Test
  void theFirstMatchingRuleIsReportedAndLaterOnesAreNotTried() {
    AccessPolicy policy =
        AccessPolicy.of(
            List.of(
                rule("subject-cn", "nobody"),
                rule("ou", "operators"),
                rule("subject-cn", "keylime-*")));

    Decision decision = policy.evaluate(tenant.certificate());

    assertThat(policy.allowsAny()).isFalse();
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.matchedRule()).hasValue(1);
    assertThat(decision.rulesTried())
        .containsExactly("#1 {subject-cn = \"nobody\"}", "#2 {ou = \"operators\"}");
    assertThat(decision.explanation()).endsWith("; allowed by #2 {ou = \"operators\"}");
  }

  @Test
  void aDenialListsTheIdentityAndEveryRuleTried() {
    AccessPolicy policy =
        AccessPolicy.of(
            List.of(
                rule("subject-cn", "tenant-*"),
                AccessRule.of(
                    Map.of(
                        "san-uri",
                        "spiffe://keylime.example/tenant/*",
                        "issuer-cn",
                        "Keylime \"tenants\" CA"))));

    Decision decision = policy.evaluate(agent.certificate());

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.matchedRule()).isEmpty();
    assertThat(decision.identity())
        .isEqualTo(
            "authenticated as CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000,"
                + "O=chainsight example, SANs [DNS:agent.keylime.test, URI:spiffe://keylime.example/agent/d432fbb3/host-1]");
    assertThat(decision.rulesTried())
        .containsExactly(
            "#1 {subject-cn = \"tenant-*\"}",
            "#2 {san-uri = \"spiffe://keylime.example/tenant/*\", issuer-cn = \"Keylime \\\"tenants\\\" CA\"}");
    assertThat(decision.explanation())
        .isEqualTo(
            decision.identity()
                + "; no rule matched (tried: "
                + "#1 {subject-cn = \"tenant-*\"}, "
                + "#2 {san-uri = \"spiffe://keylime.example/tenant/*\", issuer-cn = \"Keylime \\\"tenants\\\" CA\"})");
  }

  @Test
  void theIdentityNamesEverySanKindInCertificateOrder() {
    Decision decision = AccessPolicy.of(List.of()).evaluate(tenant.certificate());

    assertThat(decision.identity())
        .isEqualTo(
            "authenticated as "
                + TENANT_SUBJECT
                + ", SANs [DNS:Tenant.Keylime.Test, "
                + "URI:spiffe://keylime.example/tenant/admin, IP:192.0.2.10, IP:2001:db8:0:0:0:0:0:10]");
  }

  @Test
  void aCertificateWithoutSansShowsAnEmptyList() {
    X509Certificate bare = HeldCertificate.builder().subject("CN=bare").build().certificate();

    assertThat(AccessPolicy.of(List.of()).evaluate(bare).identity())
        .isEqualTo("authenticated as CN=bare, SANs []");
  }

  @Test
  void rulesComeBackAsConfigured() {
    List<AccessRule> rules = List.of(rule("subject-cn", "a"), rule("san-ip", "::1"));

    assertThat(AccessPolicy.of(rules).rules()).isEqualTo(rules);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
