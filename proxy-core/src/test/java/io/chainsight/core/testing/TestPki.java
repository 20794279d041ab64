package io.chainsight.core.testing;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A three-tier test PKI (root, intermediate, server leaf for localhost and 127.0.0.1) and agents
 * issued under it, so a test states only what matters: {@code pki.agent("agent-1")}.
 */
public final class TestPki {
  private final HeldCertificate root;
  private final HeldCertificate intermediate;
  private final HeldCertificate server;

  private TestPki(HeldCertificate root, HeldCertificate intermediate, HeldCertificate server) {
    this.root = root;
    this.intermediate = intermediate;
    this.server = server;
  }

  public static TestPki create() {
    HeldCertificate root =
        HeldCertificate.builder()
            .subject("CN=test root CA,O=chainsight tests")
            .certificateAuthority(1)
            .build();
    HeldCertificate intermediate =
        HeldCertificate.builder()
            .subject("CN=test intermediate CA,O=chainsight tests")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    HeldCertificate server =
        HeldCertificate.builder()
            .subject("CN=registrar.keylime.test")
            .signedBy(intermediate)
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("localhost")
            .addSubjectAlternativeName("127.0.0.1")
            .build();
    return new TestPki(root, intermediate, server);
  }

  public HeldCertificate root() {
    return root;
  }

  public HeldCertificate intermediate() {
    return intermediate;
  }

  public HeldCertificate server() {
    return server;
  }

  /**
   * A client certificate for {@code name}, issued by the intermediate, with clientAuth and a DNS
   * SAN.
   */
  public HeldCertificate agent(String name) {
    return agentBuilder(name).build();
  }

  public HeldCertificate.Builder agentBuilder(String name) {
    return HeldCertificate.builder()
        .commonName(name)
        .signedBy(intermediate)
        .purpose(Purpose.CLIENT_AUTH)
        .addSubjectAlternativeName(name + ".agents.keylime.test");
  }

  /** An agent certificate from a CA that has nothing to do with this PKI. */
  public static HeldCertificate unrelatedAgent(String name) {
    HeldCertificate otherRoot =
        HeldCertificate.builder().commonName("unrelated root CA").certificateAuthority(0).build();
    return HeldCertificate.builder()
        .commonName(name)
        .signedBy(otherRoot)
        .purpose(Purpose.CLIENT_AUTH)
        .build();
  }

  /** Where {@link #writeServerFiles} put things. */
  public record ServerFiles(Path chain, Path key, Path trustedCas, Path rootCa) {}

  /**
   * The server's chain (leaf, intermediate, root), key, and the trust bundle (intermediate, root)
   * as PEM files.
   */
  public ServerFiles writeServerFiles(Path dir) {
    try {
      Path chain =
          Files.writeString(
              dir.resolve("server-chain.pem"),
              server.certificatePem() + intermediate.certificatePem() + root.certificatePem());
      Path key = Files.writeString(dir.resolve("server-key.pem"), server.privateKeyPem());
      Path trust =
          Files.writeString(
              dir.resolve("trusted-cas.pem"),
              intermediate.certificatePem() + root.certificatePem());
      Path rootCa = Files.writeString(dir.resolve("root-ca.pem"), root.certificatePem());
      return new ServerFiles(chain, key, trust, rootCa);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a client's certificate (leaf then {@code extra}) and key; returns {cert, key}. */
  public static Path[] writeClientFiles(
      Path dir, String name, HeldCertificate client, HeldCertificate... extra) {
    try {
      StringBuilder pem = new StringBuilder(client.certificatePem());
      for (HeldCertificate certificate : extra) {
        pem.append(certificate.certificatePem());
      }
      Path cert = Files.writeString(dir.resolve(name + "-cert.pem"), pem.toString());
      Path key = Files.writeString(dir.resolve(name + "-key.pem"), client.privateKeyPem());
      return new Path[] {cert, key};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A JDK server context presenting {@code server} (+ chain) and trusting this PKI's root for
   * client certificates.
   */
  public SSLContext serverContext(HeldCertificate server, HeldCertificate... chain) {
    return clientContext(server, chain);
  }

  /**
   * A JDK client context trusting this PKI's root, presenting {@code client} (+ chain), or no
   * certificate.
   */
  public SSLContext clientContext(HeldCertificate client, HeldCertificate... chain) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", root.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      if (client != null) {
        List<Certificate> certificates = new ArrayList<>();
        certificates.add(client.certificate());
        for (HeldCertificate c : chain) {
          certificates.add(c.certificate());
        }
        keys.setKeyEntry(
            "client",
            client.privateKey(),
            "pw".toCharArray(),
            certificates.toArray(X509Certificate[]::new));
      }
      kmf.init(keys, "pw".toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the test client's SSLContext", e);
    }
  }
}
