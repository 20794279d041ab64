package io.chainsight.core.certs;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads and writes PEM with Bouncy Castle's parser: certificate bundles (every block, in file
 * order), private keys (PKCS#8 or traditional EC/RSA) and CRLs. Errors name the file and what it
 * held.
 */
public final class Pem {
  private Pem() {}

  /** Every certificate in the file, in order. Fails on anything else in the file, or on none. */
  public static List<X509Certificate> readCertificates(Path file) throws PemException {
    return readCertificates(file.toString(), read(file));
  }

  public static List<X509Certificate> readCertificates(String source, String pem)
      throws PemException {
    List<X509Certificate> certificates = new ArrayList<>();
    int block = 0;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = nextObject(parser, source, block + 1)) != null) {
        block++;
        if (!(object instanceof X509CertificateHolder)) {
          throw new PemException(
              source
                  + ": PEM block "
                  + block
                  + " is "
                  + describe(object)
                  + " (expected: CERTIFICATE)");
        }
        certificates.add(certificate((X509CertificateHolder) object));
      }
    } catch (CertificateException e) {
      throw new PemException(
          source
              + ": PEM block "
              + (block)
              + " is not a valid X.509 certificate: "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (certificates.isEmpty()) {
      throw new PemException(
          source
              + " holds 0 certificates (expected: at least one "
              + "-----BEGIN CERTIFICATE----- block)");
    }
    return List.copyOf(certificates);
  }

  /**
   * The one private key in the file: PKCS#8 ("PRIVATE KEY") or traditional ("EC/RSA PRIVATE KEY").
   */
  public static PrivateKey readPrivateKey(Path file) throws PemException {
    return readPrivateKey(file.toString(), read(file));
  }

  public static PrivateKey readPrivateKey(String source, String pem) throws PemException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      int block = 0;
      while ((object = nextObject(parser, source, block + 1)) != null) {
        block++;
        if (object instanceof PEMKeyPair) {
          return privateKey(((PEMKeyPair) object).getPrivateKeyInfo());
        }
        if (object instanceof PrivateKeyInfo) {
          return privateKey((PrivateKeyInfo) object);
        }
        if (object instanceof PEMEncryptedKeyPair
            || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new PemException(
              source
                  + ": the private key is encrypted (expected: an unencrypted key; "
                  + "decrypt it with `openssl pkey -in "
                  + source
                  + " -out key.pem` and protect the file with "
                  + "permissions 0600)");
        }
        // EC PARAMETERS blocks precede traditional EC keys written by `openssl ecparam -genkey`:
        // skip them.
      }
    } catch (IOException e) {
      throw new PemException(source + ": the private key cannot be read: " + e.getMessage(), e);
    }
    throw new PemException(
        source
            + " holds no private key (expected: a -----BEGIN PRIVATE KEY----- "
            + "or -----BEGIN EC/RSA PRIVATE KEY----- block)");
  }

  /** Every CRL in the file. */
  public static List<X509CRL> readCrls(Path file) throws PemException {
    String source = file.toString();
    List<X509CRL> crls = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(read(file)))) {
      Object object;
      while ((object = nextObject(parser, source, crls.size() + 1)) != null) {
        if (!(object instanceof X509CRLHolder)) {
          throw new PemException(
              source
                  + ": PEM block "
                  + (crls.size() + 1)
                  + " is "
                  + describe(object)
                  + " (expected: X509 CRL)");
        }
        crls.add(crl((X509CRLHolder) object));
      }
    } catch (java.security.cert.CRLException e) {
      throw new PemException(source + ": a CRL cannot be decoded: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (crls.isEmpty()) {
      throw new PemException(
          source + " holds 0 CRLs (expected: at least one -----BEGIN X509 CRL----- block)");
    }
    return List.copyOf(crls);
  }

  // The JDK's own certificate, key and CRL objects where it can build them; Bouncy Castle's
  // provider
  // only for what it refuses (a certificate the diagnosis must still be able to read), so a proxy
  // with well-formed material never loads that provider.

  private static X509Certificate certificate(X509CertificateHolder holder)
      throws CertificateException {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      return new JcaX509CertificateConverter()
          .setProvider(BouncyCastle.provider())
          .getCertificate(holder);
    }
  }

  private static PrivateKey privateKey(PrivateKeyInfo info) throws PEMException {
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (PEMException e) {
      return new JcaPEMKeyConverter().setProvider(BouncyCastle.provider()).getPrivateKey(info);
    }
  }

  private static X509CRL crl(X509CRLHolder holder) throws java.security.cert.CRLException {
    try {
      return new JcaX509CRLConverter().getCRL(holder);
    } catch (java.security.cert.CRLException e) {
      return new JcaX509CRLConverter().setProvider(BouncyCastle.provider()).getCRL(holder);
    }
  }

  /** PEM text of a certificate, key or CRL. */
  public static String encode(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      if (object instanceof PrivateKey) {
        // Always PKCS#8, whatever the key type: what every TLS stack reads.
        writer.writeObject(new PemObject("PRIVATE KEY", ((PrivateKey) object).getEncoded()));
      } else {
        writer.writeObject(new JcaMiscPEMGenerator(object));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String read(Path file) throws PemException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new PemException(
          file
              + " does not exist (expected: a PEM file; check the path and that the "
              + "process can read it)");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new PemException(
          file
              + " is not a text PEM file (is it DER? convert it with "
              + "`openssl x509 -inform der -in "
              + file
              + " -out "
              + file
              + ".pem`)");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new PemException(
          file
              + " cannot be read: permission denied (expected: readable by the user "
              + "running chainsight)");
    } catch (IOException e) {
      throw new PemException(file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static Object nextObject(PEMParser parser, String source, int block) throws PemException {
    try {
      return parser.readObject();
    } catch (IOException e) {
      throw new PemException(
          source
              + ": PEM block "
              + block
              + " is malformed: "
              + e.getMessage()
              + " (expected: base64 between -----BEGIN ...----- and -----END ...----- lines)",
          e);
    }
  }

  private static String describe(Object object) {
    if (object instanceof PEMKeyPair || object instanceof PrivateKeyInfo) {
      return "a private key";
    }
    if (object instanceof X509CRLHolder) {
      return "a CRL";
    }
    return "a " + object.getClass().getSimpleName();
  }
}
