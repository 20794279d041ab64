package io.chainsight.core.certs;

import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The README.md written beside the example PKI: for testing only, what each file is, how to
 * regenerate.
 */
final class ExamplePkiReadme {
  private ExamplePkiReadme() {}

  static String render(ExamplePki pki) {
    StringBuilder files = new StringBuilder();
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      files
          .append("| `")
          .append(file.path())
          .append("` | ")
          .append(file.description())
          .append(" |\n");
    }
    return """
        # Example PKI: FOR TESTING ONLY

        Everything in this directory, the private keys included, is public. Use it for the chainsight demo and
        tests, never to protect anything. Regenerate it (new keys, new dates) with

            bin/chainsight pki init certs-example --force    # from the repository root

        or `chainsight pki init DIR --force` for any other directory. Generated %s by
        `chainsight pki init` (Bouncy Castle; no openssl involved). Keys: ECDSA P-256, PKCS#8 PEM, written with
        mode 0600 (git does not keep that mode: a clone has them as its umask makes them). The good leaves are
        valid until %s: regenerate after that.

        ## The PKI

            %s
                root CA, valid until %s
            └── %s
                    intermediate CA, pathLen 0, valid until %s
                ├── %s
                        registrar: serverAuth; SANs %s
                ├── %s
                        agent: clientAuth; SAN %s
                ├── %s
                        Keylime tenant: clientAuth; SAN %s
                └── %s
                        chainsight towards the registrar's TLS port: clientAuth

        ## Files

        | file | what it is |
        |---|---|
        %s
        ## With chainsight

        `config/demo.conf` points chainsight at `registrar-chain.pem`, `registrar-key.pem` and `trusted-cas.pem`.
        Start it with `bin/chainsight demo`, then, from the repository root:

            curl --cacert certs-example/agent-ca.pem --cert certs-example/agent-cert.pem \\
                 --key certs-example/agent-key.pem https://localhost:8443/version

        ## The broken agent certificates: one defect each

        | file | defect | what a verifier finds |
        |---|---|---|
        | `broken/agent-expired-cert.pem` | expired on %s | validity ended (OpenSSL error 10, "certificate has expired") |
        | `broken/agent-wrong-key-ca-cert.pem` | issued by a CA named like our intermediate, with another key | issuer name matches, but the authority key id differs from the intermediate's subject key id and the signature does not verify with its key: a CA re-created with a new key (OpenSSL skips a CA whose key id differs: error 20, "unable to get local issuer certificate") |
        | `broken/agent-server-only-cert.pem` | extendedKeyUsage is serverAuth only | not usable as a client certificate (OpenSSL error 26, "unsuitable certificate purpose") |
        | `broken/agent-self-signed-cert.pem` | self-signed | a lone self-signed leaf (OpenSSL error 18, "self-signed certificate") |
        | `broken/agent-unrelated-ca-cert.pem` | issued by `%s`, sent with that root | a self-signed root nobody trusts (OpenSSL error 19, "self-signed certificate in certificate chain") |

        Each broken agent's CN is the agent UUID with a different last digit (`...00001` to `...00005`), so a log
        line says which one connected.

        `config/keylime-registrar.conf` (routes for a Keylime registrar) uses the same three files and adds
        `tenant-cert.pem` (the one caller its admin routes allow) and `proxy-client-cert.pem` (what chainsight
        presents to the registrar's TLS port; the registrar must trust this PKI's root for it). With a registrar
        on 8890 and 8891 behind `bin/chainsight run -c config/keylime-registrar.conf`:

            curl --cacert certs-example/agent-ca.pem --cert certs-example/tenant-cert.pem \\
                 --key certs-example/tenant-key.pem https://localhost:8443/v2.1/agents/

        `agent-ca-intermediate-first.pem` holds the right CAs in the wrong order for loaders that keep only the
        first PEM block (rust-keylime's `reqwest::Certificate::from_pem` on OpenSSL): they trust the intermediate
        alone and fail with OpenSSL error 2, "unable to get issuer certificate". curl reads every block and
        passes, which is why the trap is hard to see; `chainsight probe` shows it.
        """
        .formatted(
            timestamp(pki),
            date(pki.agent().certificate()),
            name(pki.root()),
            date(pki.root().certificate()),
            name(pki.intermediate()),
            date(pki.intermediate().certificate()),
            name(pki.registrar()),
            String.join(", ", ExamplePki.REGISTRAR_NAMES),
            name(pki.agent()),
            ExamplePki.AGENT_DNS_NAME,
            name(pki.tenant()),
            ExamplePki.TENANT_URI,
            name(pki.proxyClient()),
            files.toString(),
            date(pki.expiredAgent().certificate()),
            ExamplePki.UNRELATED_CA_SUBJECT);
  }

  private static String name(HeldCertificate held) {
    return Certificates.subject(held.certificate());
  }

  private static String date(X509Certificate certificate) {
    return DateTimeFormatter.ISO_LOCAL_DATE
        .withZone(ZoneOffset.UTC)
        .format(certificate.getNotAfter().toInstant());
  }

  private static String timestamp(ExamplePki pki) {
    return DateTimeFormatter.ISO_INSTANT.format(pki.createdAt().truncatedTo(ChronoUnit.SECONDS));
  }
}
