package io.chainsight.core.certs;

import java.nio.file.Path;

/**
 * The files of the example PKI, by their path inside its directory. The names are a contract: the
 * demo config, the README's curl commands and the integration tests refer to them.
 */
public enum ExamplePkiFile {
  README("README.md", "what these files are (for testing only) and how to regenerate them", false),
  ROOT_CA("root-ca.pem", "root CA certificate (self-signed)", false),
  ROOT_CA_KEY("root-ca-key.pem", "root CA private key", true),
  INTERMEDIATE_CA(
      "intermediate-ca.pem", "intermediate CA certificate (issued by the root, pathLen 0)", false),
  INTERMEDIATE_CA_KEY("intermediate-ca-key.pem", "intermediate CA private key", true),
  REGISTRAR_CHAIN(
      "registrar-chain.pem",
      "registrar server certificate, then the intermediate, then the root (chainsight's tls.certificate-chain)",
      false),
  REGISTRAR_KEY(
      "registrar-key.pem", "registrar server private key (chainsight's tls.private-key)", true),
  TRUSTED_CAS(
      "trusted-cas.pem",
      "the CAs that issue agent certificates, intermediate then root (chainsight's tls.trusted-cas)",
      false),
  AGENT_CERT("agent-cert.pem", "agent client certificate, then the intermediate", false),
  AGENT_KEY("agent-key.pem", "agent client private key", true),
  AGENT_CA(
      "agent-ca.pem",
      "what an agent should trust for the registrar: the root ALONE (Keylime's registrar_tls_ca_cert)",
      false),
  AGENT_CA_INTERMEDIATE_FIRST(
      "agent-ca-intermediate-first.pem",
      "intermediate then root: the first-PEM-block trap (a loader that keeps only the first block trusts only "
          + "the intermediate, and OpenSSL fails with error 2 \"unable to get issuer certificate\")",
      false),
  TENANT_CERT(
      "tenant-cert.pem",
      "Keylime tenant client certificate (clientAuth; SAN URI "
          + "spiffe://keylime.example/tenant/admin), then the intermediate: the caller config/keylime-registrar.conf "
          + "lets reach the registrar's admin routes",
      false),
  TENANT_KEY("tenant-key.pem", "Keylime tenant private key", true),
  PROXY_CLIENT_CERT(
      "proxy-client-cert.pem",
      "the client certificate chainsight presents to the registrar's TLS "
          + "port (clientAuth), then the intermediate (config/keylime-registrar.conf's routes[].tls.certificate-chain; "
          + "the registrar certificate cannot serve: it is serverAuth only)",
      false),
  PROXY_CLIENT_KEY("proxy-client-key.pem", "its private key (routes[].tls.private-key)", true),
  EXPIRED_AGENT_CERT(
      "broken/agent-expired-cert.pem",
      "agent certificate (then the intermediate) whose validity ended yesterday",
      false),
  EXPIRED_AGENT_KEY("broken/agent-expired-key.pem", "its private key", true),
  WRONG_KEY_CA_AGENT_CERT(
      "broken/agent-wrong-key-ca-cert.pem",
      "agent certificate issued by a look-alike CA: the intermediate's name, a different key",
      false),
  WRONG_KEY_CA_AGENT_KEY("broken/agent-wrong-key-ca-key.pem", "its private key", true),
  SERVER_ONLY_AGENT_CERT(
      "broken/agent-server-only-cert.pem",
      "agent certificate (then the intermediate) with the serverAuth purpose only, no clientAuth",
      false),
  SERVER_ONLY_AGENT_KEY("broken/agent-server-only-key.pem", "its private key", true),
  SELF_SIGNED_AGENT_CERT(
      "broken/agent-self-signed-cert.pem", "self-signed agent certificate", false),
  SELF_SIGNED_AGENT_KEY("broken/agent-self-signed-key.pem", "its private key", true),
  UNRELATED_CA_AGENT_CERT(
      "broken/agent-unrelated-ca-cert.pem",
      "agent certificate, then its root: a CA chainsight does not trust",
      false),
  UNRELATED_CA_AGENT_KEY("broken/agent-unrelated-ca-key.pem", "its private key", true);

  private final String path;
  private final String description;
  private final boolean secret;

  ExamplePkiFile(String path, String description, boolean secret) {
    this.path = path;
    this.description = description;
    this.secret = secret;
  }

  /** The path relative to the PKI directory, with {@code /} separators. */
  public String path() {
    return path;
  }

  public String description() {
    return description;
  }

  /** A private key: written with mode 0600 where the file system has POSIX permissions. */
  public boolean secret() {
    return secret;
  }

  public Path in(Path directory) {
    return directory.resolve(path);
  }
}
