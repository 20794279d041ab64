package io.chainsight.core.certs;

import io.chainsight.core.certs.HeldCertificate.Purpose;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A ready three-tier ECDSA P-256 PKI for a Keylime registrar behind chainsight: root, intermediate
 * (pathLen 0), a registrar server certificate, client certificates for an agent, the tenant and
 * chainsight itself (towards the registrar's TLS port), and agent certificates that are broken on
 * purpose, one defect each, for the demo and the tests. {@link #create} makes it in memory; {@link
 * #writeTo} lays it out as {@link ExamplePkiFile}s; {@code chainsight pki init} and {@code
 * certs-example/} use both.
 */
public final class ExamplePki {
  public static final String ROOT_SUBJECT = "CN=chainsight example root CA,O=chainsight example";
  public static final String INTERMEDIATE_SUBJECT =
      "CN=chainsight example intermediate CA,O=chainsight example";
  public static final String REGISTRAR_SUBJECT = "CN=registrar.keylime.test,O=chainsight example";
  public static final List<String> REGISTRAR_NAMES =
      List.of("localhost", "127.0.0.1", "registrar.keylime.test");

  /** The Keylime tenant: the one caller the preset lets list and delete agents. */
  public static final String TENANT_SUBJECT = "CN=keylime-tenant,O=chainsight example";

  public static final String TENANT_URI = "spiffe://keylime.example/tenant/admin";

  /** Who chainsight is to the registrar's TLS port, where it re-encrypts the tenant's requests. */
  public static final String PROXY_CLIENT_SUBJECT = "CN=chainsight-proxy,O=chainsight example";

  public static final String UNRELATED_CA_SUBJECT = "CN=unrelated example CA,O=somebody else";

  /** The agent's DNS name; every agent certificate, good or broken, carries it. */
  public static final String AGENT_DNS_NAME = "agent.keylime.test";

  /** Keylime names an agent by a UUID, and the registrar expects it as the certificate's CN. */
  public static final String AGENT_UUID = "d432fbb3-d2f1-4a97-9ef7-75bd81c00000";

  // The broken agents differ in the last digit, so a log line tells which one connected.
  public static final String EXPIRED_AGENT_UUID = "d432fbb3-d2f1-4a97-9ef7-75bd81c00001";
  public static final String WRONG_KEY_CA_AGENT_UUID = "d432fbb3-d2f1-4a97-9ef7-75bd81c00002";
  public static final String SERVER_ONLY_AGENT_UUID = "d432fbb3-d2f1-4a97-9ef7-75bd81c00003";
  public static final String SELF_SIGNED_AGENT_UUID = "d432fbb3-d2f1-4a97-9ef7-75bd81c00004";
  public static final String UNRELATED_CA_AGENT_UUID = "d432fbb3-d2f1-4a97-9ef7-75bd81c00005";

  private final Instant createdAt;
  private final HeldCertificate root;
  private final HeldCertificate intermediate;
  private final HeldCertificate registrar;
  private final HeldCertificate agent;
  private final HeldCertificate tenant;
  private final HeldCertificate proxyClient;
  private final HeldCertificate expiredAgent;
  private final HeldCertificate lookAlikeIntermediate;
  private final HeldCertificate wrongKeyCaAgent;
  private final HeldCertificate serverOnlyAgent;
  private final HeldCertificate selfSignedAgent;
  private final HeldCertificate unrelatedCa;
  private final HeldCertificate unrelatedCaAgent;

  private ExamplePki(Instant now) {
    this.createdAt = now;
    // Leaves start an hour early so a client whose clock is slightly behind still accepts them. The
    // CAs start
    // before the expired agent did, so that agent was issued while its CA was valid: expiry is its
    // only defect.
    Instant leafStart = now.minus(Duration.ofHours(1));
    Instant expiredStart = now.minus(Duration.ofDays(366));
    Instant expiredEnd = now.minus(Duration.ofDays(1));
    Instant caStart = expiredStart.minus(Duration.ofDays(1));

    root =
        HeldCertificate.builder()
            .subject(ROOT_SUBJECT)
            .certificateAuthority(1)
            .validity(caStart, plusYears(now, 10))
            .build();
    intermediate =
        HeldCertificate.builder()
            .subject(INTERMEDIATE_SUBJECT)
            .certificateAuthority(0)
            .signedBy(root)
            .validity(caStart, plusYears(now, 5))
            .build();
    HeldCertificate.Builder registrarBuilder =
        HeldCertificate.builder()
            .subject(REGISTRAR_SUBJECT)
            .purpose(Purpose.SERVER_AUTH)
            .signedBy(intermediate)
            .validity(leafStart, plusYears(now, 2));
    REGISTRAR_NAMES.forEach(registrarBuilder::addSubjectAlternativeName);
    registrar = registrarBuilder.build();

    agent = agent(AGENT_UUID, intermediate).validity(leafStart, plusYears(now, 2)).build();
    tenant =
        HeldCertificate.builder()
            .subject(TENANT_SUBJECT)
            .addUriSubjectAlternativeName(TENANT_URI)
            .purpose(Purpose.CLIENT_AUTH)
            .signedBy(intermediate)
            .validity(leafStart, plusYears(now, 2))
            .build();
    proxyClient =
        HeldCertificate.builder()
            .subject(PROXY_CLIENT_SUBJECT)
            .purpose(Purpose.CLIENT_AUTH)
            .signedBy(intermediate)
            .validity(leafStart, plusYears(now, 2))
            .build();
    expiredAgent =
        agent(EXPIRED_AGENT_UUID, intermediate).validity(expiredStart, expiredEnd).build();
    // A CA re-created under the same name with a new key: the agent's issuer name matches our
    // intermediate,
    // its signature and authority key id do not.
    lookAlikeIntermediate =
        HeldCertificate.builder()
            .subject(INTERMEDIATE_SUBJECT)
            .certificateAuthority(0)
            .validity(caStart, plusYears(now, 5))
            .build();
    wrongKeyCaAgent =
        agent(WRONG_KEY_CA_AGENT_UUID, lookAlikeIntermediate)
            .validity(leafStart, plusYears(now, 2))
            .build();
    serverOnlyAgent =
        HeldCertificate.builder()
            .subject(agentSubject(SERVER_ONLY_AGENT_UUID))
            .addSubjectAlternativeName(AGENT_DNS_NAME)
            .purpose(Purpose.SERVER_AUTH)
            .signedBy(intermediate)
            .validity(leafStart, plusYears(now, 2))
            .build();
    selfSignedAgent =
        agent(SELF_SIGNED_AGENT_UUID, null).validity(leafStart, plusYears(now, 2)).build();
    unrelatedCa =
        HeldCertificate.builder()
            .subject(UNRELATED_CA_SUBJECT)
            .certificateAuthority(0)
            .validity(caStart, plusYears(now, 10))
            .build();
    unrelatedCaAgent =
        agent(UNRELATED_CA_AGENT_UUID, unrelatedCa).validity(leafStart, plusYears(now, 2)).build();
  }

  /** A new PKI, in memory, valid from {@code now}: fresh keys every time. */
  public static ExamplePki create(Instant now) {
    return new ExamplePki(now);
  }

  /**
   * A new PKI written into {@code directory}; refuses to overwrite an existing file of the layout.
   */
  public static ExamplePki generate(Path directory, Instant now) throws IOException {
    ExamplePki pki = create(now);
    pki.writeTo(directory, false);
    return pki;
  }

  /**
   * Writes every {@link ExamplePkiFile} under {@code directory}, creating it (and {@code broken/})
   * if needed. Each file is written to a temporary file and moved into place, keys with mode 0600.
   *
   * @param overwrite replace files that exist; without it, an existing file is a {@link
   *     java.nio.file.FileAlreadyExistsException} naming it, and nothing is written
   * @return the files written, in {@link ExamplePkiFile} order
   */
  public List<Path> writeTo(Path directory, boolean overwrite) throws IOException {
    return ExamplePkiWriter.write(this, directory, overwrite);
  }

  /** The files of the layout that already exist under {@code directory}. */
  public static List<Path> existingFiles(Path directory) {
    return ExamplePkiWriter.existingFiles(directory);
  }

  /** The text of one file of the layout. */
  public String content(ExamplePkiFile file) {
    return switch (file) {
      case README -> ExamplePkiReadme.render(this);
      case ROOT_CA -> root.certificatePem();
      case ROOT_CA_KEY -> root.privateKeyPem();
      case INTERMEDIATE_CA -> intermediate.certificatePem();
      case INTERMEDIATE_CA_KEY -> intermediate.privateKeyPem();
      case REGISTRAR_CHAIN -> pems(registrar, intermediate, root);
      case REGISTRAR_KEY -> registrar.privateKeyPem();
      case TRUSTED_CAS -> pems(intermediate, root);
      case AGENT_CERT -> pems(agent, intermediate);
      case AGENT_KEY -> agent.privateKeyPem();
      case AGENT_CA -> root.certificatePem();
      case AGENT_CA_INTERMEDIATE_FIRST -> pems(intermediate, root);
      case TENANT_CERT -> pems(tenant, intermediate);
      case TENANT_KEY -> tenant.privateKeyPem();
      case PROXY_CLIENT_CERT -> pems(proxyClient, intermediate);
      case PROXY_CLIENT_KEY -> proxyClient.privateKeyPem();
      case EXPIRED_AGENT_CERT -> pems(expiredAgent, intermediate);
      case EXPIRED_AGENT_KEY -> expiredAgent.privateKeyPem();
      // The leaf alone: the look-alike CA is what the agent's operator lost track of.
      case WRONG_KEY_CA_AGENT_CERT -> wrongKeyCaAgent.certificatePem();
      case WRONG_KEY_CA_AGENT_KEY -> wrongKeyCaAgent.privateKeyPem();
      case SERVER_ONLY_AGENT_CERT -> pems(serverOnlyAgent, intermediate);
      case SERVER_ONLY_AGENT_KEY -> serverOnlyAgent.privateKeyPem();
      case SELF_SIGNED_AGENT_CERT -> selfSignedAgent.certificatePem();
      case SELF_SIGNED_AGENT_KEY -> selfSignedAgent.privateKeyPem();
      case UNRELATED_CA_AGENT_CERT -> pems(unrelatedCaAgent, unrelatedCa);
      case UNRELATED_CA_AGENT_KEY -> unrelatedCaAgent.privateKeyPem();
    };
  }

  public Instant createdAt() {
    return createdAt;
  }

  public HeldCertificate root() {
    return root;
  }

  public HeldCertificate intermediate() {
    return intermediate;
  }

  public HeldCertificate registrar() {
    return registrar;
  }

  public HeldCertificate agent() {
    return agent;
  }

  public HeldCertificate tenant() {
    return tenant;
  }

  public HeldCertificate proxyClient() {
    return proxyClient;
  }

  public HeldCertificate expiredAgent() {
    return expiredAgent;
  }

  /**
   * The CA that issued {@link #wrongKeyCaAgent()}: the intermediate's subject, another key,
   * self-signed.
   */
  public HeldCertificate lookAlikeIntermediate() {
    return lookAlikeIntermediate;
  }

  public HeldCertificate wrongKeyCaAgent() {
    return wrongKeyCaAgent;
  }

  public HeldCertificate serverOnlyAgent() {
    return serverOnlyAgent;
  }

  public HeldCertificate selfSignedAgent() {
    return selfSignedAgent;
  }

  public HeldCertificate unrelatedCa() {
    return unrelatedCa;
  }

  public HeldCertificate unrelatedCaAgent() {
    return unrelatedCaAgent;
  }

  private static HeldCertificate.Builder agent(String uuid, HeldCertificate issuer) {
    HeldCertificate.Builder builder =
        HeldCertificate.builder()
            .subject(agentSubject(uuid))
            .addSubjectAlternativeName(AGENT_DNS_NAME)
            .purpose(Purpose.CLIENT_AUTH);
    return issuer == null ? builder : builder.signedBy(issuer);
  }

  private static String agentSubject(String uuid) {
    return "CN=" + uuid + ",O=chainsight example";
  }

  private static Instant plusYears(Instant instant, int years) {
    return instant.atOffset(ZoneOffset.UTC).plusYears(years).toInstant();
  }

  private static String pems(HeldCertificate... certificates) {
    return Stream.of(certificates)
        .map(HeldCertificate::certificatePem)
        .collect(Collectors.joining());
  }
}
