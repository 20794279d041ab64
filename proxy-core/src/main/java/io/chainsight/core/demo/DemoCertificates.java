package io.chainsight.core.demo;

import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.certs.PemException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which example PKI the demo runs with: the repository's {@code certs-example/} beside the config
 * directory when it is complete (that is what {@code config/demo.conf} points at), else one kept in
 * the demo's work directory, generated when missing, incomplete or expired.
 *
 * @param directory where the example PKI's files are
 * @param fromConfig the config file's own tls paths lead here, so no override is needed
 * @param generated made by this run
 */
public record DemoCertificates(Path directory, boolean fromConfig, boolean generated) {

  /**
   * @param configFile the demo's config file, when it exists
   * @param workDirectory where to keep a generated PKI ({@code certs/} below it)
   */
  public static DemoCertificates locate(Optional<Path> configFile, Path workDirectory, Instant now)
      throws IOException {
    Optional<Path> beside =
        configFile
            .map(file -> file.toAbsolutePath().normalize().getParent())
            .map(Path::getParent)
            .map(parent -> parent.resolve("certs-example"));
    if (beside.isPresent() && complete(beside.get())) {
      ownerOnlyKeys(beside.get());
      return new DemoCertificates(beside.get(), true, false);
    }
    Path generated = workDirectory.resolve("certs");
    if (complete(generated) && expired(generated, now).isEmpty()) {
      return new DemoCertificates(generated, false, false);
    }
    ExamplePki.create(now).writeTo(generated, true);
    return new DemoCertificates(generated, false, true);
  }

  /**
   * Overrides (keys below {@code chainsight}) pointing the proxy at this PKI; none when the config
   * does already.
   */
  public Map<String, String> overrides() {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (!fromConfig) {
      overrides.put(
          "tls.certificate-chain",
          ExamplePkiFile.REGISTRAR_CHAIN.in(directory).toAbsolutePath().toString());
      overrides.put(
          "tls.private-key",
          ExamplePkiFile.REGISTRAR_KEY.in(directory).toAbsolutePath().toString());
      overrides.put(
          "tls.trusted-cas", ExamplePkiFile.TRUSTED_CAS.in(directory).toAbsolutePath().toString());
    }
    return overrides;
  }

  /**
   * One line per good certificate of the PKI that has expired, naming the fix; empty when all are
   * valid.
   */
  public List<String> expiryProblems(Instant now) {
    return expired(directory, now);
  }

  /**
   * A clone does not keep the keys' 0600 (git records only the executable bit), and the proxy
   * rightly warns about a readable key: the demo restores the mode of the example keys it owns,
   * quietly, as {@code pki init} wrote them.
   */
  private static void ownerOnlyKeys(Path directory) {
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      if (file.secret()) {
        try {
          java.nio.file.Files.setPosixFilePermissions(
              file.in(directory),
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
          // Not ours to change, or not POSIX: the proxy's startup warning then says what to do.
        }
      }
    }
  }

  private static boolean complete(Path directory) {
    return ExamplePki.existingFiles(directory).size() == ExamplePkiFile.values().length;
  }

  private static List<String> expired(Path directory, Instant now) {
    List<String> problems = new ArrayList<>();
    for (ExamplePkiFile file : List.of(ExamplePkiFile.REGISTRAR_CHAIN, ExamplePkiFile.AGENT_CERT)) {
      Path path = file.in(directory);
      try {
        X509Certificate leaf = Pem.readCertificates(path).get(0);
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
          problems.add(
              path
                  + ": the certificate expired on "
                  + leaf.getNotAfter().toInstant()
                  + " (expected: "
                  + "valid now; regenerate the example PKI with `chainsight pki init "
                  + directory
                  + " --force`)");
        }
      } catch (PemException e) {
        problems.add(
            e.getMessage()
                + " (regenerate the example PKI with `chainsight pki init "
                + directory
                + " --force`)");
      }
    }
    return problems;
  }
}
