package io.chainsight.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.Pem;
import io.chainsight.core.certs.PemException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Fixed inputs and recorded outputs under {@code src/test/resources/golden/}: certificates copied
 * once from the example PKI (so regenerating {@code certs-example/} does not move them) and the
 * bytes each JSON surface wrote for them, captured before the JSON writers moved to Jackson.
 */
public final class Golden {
  private Golden() {}

  /** A file under {@code golden/} on the test class path, as UTF-8 text. */
  public static String text(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "golden/"
                + name
                + ": not on the test class path (expected: src/test/resources/golden/)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that {@code actual} is the recorded {@code golden/name}, byte for byte. With {@code
   * -Dgolden.record=DIR} (e.g. {@code src/test/resources/golden}) it writes {@code actual} there
   * instead: for a deliberate change of a wire format, reviewed in the diff.
   */
  public static void assertMatches(String name, String actual) {
    String record = System.getProperty("golden.record");
    if (record != null) {
      try {
        Files.writeString(Path.of(record, name), actual, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    assertThat(actual).as("golden/" + name).isEqualTo(text(name));
  }

  /** The certificates of a PEM file under {@code golden/}. */
  public static List<X509Certificate> certificates(String name) {
    try {
      return Pem.readCertificates("golden/" + name, text(name));
    } catch (PemException e) {
      throw new IllegalStateException(e);
    }
  }
}
