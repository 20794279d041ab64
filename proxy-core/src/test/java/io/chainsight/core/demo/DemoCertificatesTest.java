package io.chainsight.core.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCertificatesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path repo;

  @Test
  void usesCertsExampleBesideTheConfigDirectoryWithoutOverrides() throws Exception {
    Path config = Files.createDirectories(repo.resolve("config")).resolve("demo.conf");
    Files.writeString(config, "chainsight {}");
    ExamplePki.generate(repo.resolve("certs-example"), NOW);

    DemoCertificates certs =
        DemoCertificates.locate(Optional.of(config), repo.resolve("demo-work"), NOW);

    assertThat(certs.directory()).isEqualTo(repo.resolve("certs-example"));
    assertThat(certs.fromConfig()).isTrue();
    assertThat(certs.generated()).isFalse();
    assertThat(certs.overrides()).isEmpty();
    assertThat(repo.resolve("demo-work")).doesNotExist();
  }

  @Test
  void generatesIntoTheWorkDirectoryWhenCertsExampleIsIncomplete() throws Exception {
    Path config = Files.createDirectories(repo.resolve("config")).resolve("demo.conf");
    ExamplePki.generate(repo.resolve("certs-example"), NOW);
    Files.delete(ExamplePkiFile.AGENT_KEY.in(repo.resolve("certs-example")));

    DemoCertificates certs =
        DemoCertificates.locate(Optional.of(config), repo.resolve("demo-work"), NOW);

    Path generated = repo.resolve("demo-work/certs");
    assertThat(certs).isEqualTo(new DemoCertificates(generated, false, true));
    assertThat(ExamplePki.existingFiles(generated)).hasSize(ExamplePkiFile.values().length);
    assertThat(certs.overrides())
        .containsExactly(
            Map.entry("tls.certificate-chain", generated.resolve("registrar-chain.pem").toString()),
            Map.entry("tls.private-key", generated.resolve("registrar-key.pem").toString()),
            Map.entry("tls.trusted-cas", generated.resolve("trusted-cas.pem").toString()));
  }

  @Test
  void withoutAConfigFileReusesAValidGeneratedPki() throws Exception {
    Path work = repo.resolve("demo-work");
    DemoCertificates.locate(Optional.empty(), work, NOW);
    String root = Files.readString(ExamplePkiFile.ROOT_CA.in(work.resolve("certs")));

    DemoCertificates again =
        DemoCertificates.locate(Optional.empty(), work, NOW.plus(Duration.ofDays(1)));

    assertThat(again.generated()).isFalse();
    assertThat(Files.readString(ExamplePkiFile.ROOT_CA.in(work.resolve("certs")))).isEqualTo(root);
  }

  @Test
  void regeneratesAGeneratedPkiWhoseLeavesExpired() throws Exception {
    Path work = repo.resolve("demo-work");
    DemoCertificates.locate(Optional.empty(), work, NOW);
    Instant threeYearsOn = NOW.plus(Duration.ofDays(3 * 365));

    DemoCertificates later = DemoCertificates.locate(Optional.empty(), work, threeYearsOn);

    assertThat(later.generated()).isTrue();
    assertThat(later.expiryProblems(threeYearsOn)).isEmpty();
  }

  @Test
  void expiredCertsExampleIsUsedButNamedWithTheFix() throws Exception {
    Path config = Files.createDirectories(repo.resolve("config")).resolve("demo.conf");
    ExamplePki.generate(repo.resolve("certs-example"), NOW);
    Instant threeYearsOn = NOW.plus(Duration.ofDays(3 * 365));

    DemoCertificates certs =
        DemoCertificates.locate(Optional.of(config), repo.resolve("demo-work"), threeYearsOn);

    assertThat(certs.fromConfig()).isTrue();
    assertThat(certs.expiryProblems(threeYearsOn))
        .hasSize(2)
        .first()
        .asString()
        .startsWith(
            repo.resolve("certs-example/registrar-chain.pem")
                + ": the certificate expired on 2028-03-01")
        .endsWith(
            "regenerate the example PKI with `chainsight pki init "
                + repo.resolve("certs-example")
                + " --force`)");
  }
}
