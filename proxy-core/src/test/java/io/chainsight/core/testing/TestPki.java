package io.chainsight.core.testing;

import io.chainsight.core.certs.BouncyCastle;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.KeyType;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A three-tier test PKI (root, intermediate, a server leaf for localhost and 127.0.0.1), the leaves
 * a test issues under it, CRLs, and the files and JDK contexts a real handshake needs, so a test
 * states only what matters:
 *
 * <pre>{@code
 * TestPki pki = TestPki.create();
 * HeldCertificate agent = pki.agent("agent-1").build();
 * HeldCertificate old = pki.agent("agent-2").expired().build();
 * SSLContext client = pki.clientContext(agent, pki.intermediate());
 * X509CRL crl = TestPki.crl(pki.intermediate(), old);
 * }</pre>
 *
 * Public so that proxy-cli tests reuse it through the test-jar.
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

  private TestPki(HeldCertificate root, HeldCertificate intermediate) {
    this(root, intermediate, registrar(intermediate).build());
  }

  /** {@code CN=registrar.keylime.test}, SANs localhost and 127.0.0.1, issued by {@code issuer}. */
  public static HeldCertificate.Builder registrar(HeldCertificate issuer) {
    return HeldCertificate.builder()
        .subject("CN=registrar.keylime.test")
        .signedBy(issuer)
        .purpose(Purpose.SERVER_AUTH)
        .addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1");
  }

  /**
   * CAs named {@code CN=test root CA,O=chainsight tests} and its intermediate, valid for a year.
   */
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
    return new TestPki(root, intermediate);
  }

  /** CAs with these common names, valid from an hour ago for a year. */
  public static TestPki create(String rootName, String intermediateName) {
    return create(
        rootName,
        intermediateName,
        Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(365)));
  }

  /** CAs with these common names, valid from {@code notBefore} to {@code notAfter}. */
  public static TestPki create(
      String rootName, String intermediateName, Instant notBefore, Instant notAfter) {
    HeldCertificate root =
        HeldCertificate.builder()
            .commonName(rootName)
            .certificateAuthority(1)
            .validity(notBefore, notAfter)
            .build();
    HeldCertificate intermediate =
        HeldCertificate.builder()
            .commonName(intermediateName)
            .certificateAuthority(0)
            .signedBy(root)
            .validity(notBefore, notAfter)
            .build();
    return new TestPki(root, intermediate);
  }

  /**
   * Around certificates a test made itself (e.g. with validities it asserts on); {@code server} is
   * what the proxy serves.
   */
  public static TestPki of(
      HeldCertificate root, HeldCertificate intermediate, HeldCertificate server) {
    return new TestPki(root, intermediate, server);
  }

  public HeldCertificate root() {
    return root;
  }

  public HeldCertificate intermediate() {
    return intermediate;
  }

  /**
   * {@code CN=registrar.keylime.test}, SANs localhost and 127.0.0.1, issued by the intermediate.
   */
  public HeldCertificate server() {
    return server;
  }

  /**
   * A client (agent) certificate for {@code name}: issued by the intermediate, clientAuth, DNS SAN
   * {@code name.agents.keylime.test}; tune it, then {@code build()}.
   */
  public Leaf agent(String name) {
    return new Leaf(
        HeldCertificate.builder()
            .commonName(name)
            .signedBy(intermediate)
            .purpose(Purpose.CLIENT_AUTH)
            .addSubjectAlternativeName(name + ".agents.keylime.test"));
  }

  /** A server certificate for {@code host} (CN and SAN), issued by the intermediate. */
  public Leaf server(String host) {
    return new Leaf(
        HeldCertificate.builder()
            .commonName(host)
            .signedBy(intermediate)
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName(host));
  }

  /**
   * The registrar's TLS port as the tenant routes reach it over https: {@code CN=registrar 8891},
   * serverAuth, IP SAN 127.0.0.1, issued by the intermediate; tune it, then {@code build()}.
   */
  public Leaf registrarTlsPort() {
    return new Leaf(
        HeldCertificate.builder()
            .commonName("registrar 8891")
            .signedBy(intermediate)
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("127.0.0.1"));
  }

  /**
   * chainsight's own client certificate towards an https backend: {@code CN=chainsight-proxy},
   * clientAuth, issued by the intermediate; tune it, then {@code build()}.
   */
  public Leaf proxyClient() {
    return new Leaf(
        HeldCertificate.builder()
            .commonName("chainsight-proxy")
            .signedBy(intermediate)
            .purpose(Purpose.CLIENT_AUTH));
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

  /** A leaf being issued: what the test changes from the defaults, then {@link #build}. */
  public static final class Leaf {
    private final HeldCertificate.Builder builder;

    private Leaf(HeldCertificate.Builder builder) {
      this.builder = builder;
    }

    /** Expired a day ago (valid from 30 days ago). */
    public Leaf expired() {
      Instant now = Instant.now();
      return validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    /** Valid only from tomorrow (for 30 days). */
    public Leaf notYetValid() {
      Instant now = Instant.now();
      return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** Issued by {@code issuer} instead (a CA the other side does not trust, say). */
    public Leaf signedBy(HeldCertificate issuer) {
      builder.signedBy(issuer);
      return this;
    }

    public Leaf validity(Instant notBefore, Instant notAfter) {
      builder.validity(notBefore, notAfter);
      return this;
    }

    public Leaf keyType(KeyType keyType) {
      builder.keyType(keyType);
      return this;
    }

    public Leaf signatureAlgorithm(String algorithm) {
      builder.signatureAlgorithm(algorithm);
      return this;
    }

    public Leaf unknownCriticalExtension() {
      builder.unknownCriticalExtension();
      return this;
    }

    public Leaf addSubjectAlternativeName(String name) {
      builder.addSubjectAlternativeName(name);
      return this;
    }

    /** Adds an extended key usage to the one the leaf has. */
    public Leaf purpose(Purpose purpose) {
      builder.purpose(purpose);
      return this;
    }

    public HeldCertificate build() {
      return builder.build();
    }
  }

  public static List<X509Certificate> chain(HeldCertificate... certificates) {
    return Arrays.stream(certificates).map(HeldCertificate::certificate).toList();
  }

  /** A CRL by {@code issuer}, current from an hour ago for a day, revoking {@code revoked}. */
  public static X509CRL crl(HeldCertificate issuer, HeldCertificate... revoked) {
    Instant now = Instant.now();
    return crl(issuer, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), revoked);
  }

  public static X509CRL crl(
      HeldCertificate issuer, Instant thisUpdate, Instant nextUpdate, HeldCertificate... revoked) {
    try {
      X509v2CRLBuilder builder =
          new X509v2CRLBuilder(
              X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
              Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (HeldCertificate certificate : revoked) {
        BigInteger serial = certificate.certificate().getSerialNumber();
        builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
      }
      String algorithm =
          issuer.privateKey().getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CRLConverter()
          .setProvider(BouncyCastle.provider())
          .getCRL(
              builder.build(
                  new JcaContentSignerBuilder(algorithm)
                      .setProvider(BouncyCastle.provider())
                      .build(issuer.privateKey())));
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot build a CRL for " + issuer.certificate().getSubjectX500Principal(), e);
    }
  }

  /** Where {@link #writeServerFiles} put things. */
  public record ServerFiles(Path chain, Path key, Path trustedCas, Path rootCa) {}

  /**
   * The server's chain (leaf, intermediate, root), key, and the trust bundle (intermediate, root)
   * as PEM files.
   */
  public ServerFiles writeServerFiles(Path dir) {
    return writeServerFiles(dir, server);
  }

  /** As {@link #writeServerFiles(Path)}, serving {@code leaf} (issued by the intermediate). */
  public ServerFiles writeServerFiles(Path dir, HeldCertificate leaf) {
    try {
      Path chain =
          Files.writeString(
              dir.resolve("server-chain.pem"),
              leaf.certificatePem() + intermediate.certificatePem() + root.certificatePem());
      Path key = Files.writeString(dir.resolve("server-key.pem"), leaf.privateKeyPem());
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
