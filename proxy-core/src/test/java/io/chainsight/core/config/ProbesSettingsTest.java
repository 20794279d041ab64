package io.chainsight.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** admin.probes: off by default, on from the environment, free to listen everywhere. */
class ProbesSettingsTest {
  private static final String TLS =
      "chainsight.tls { certificate-chain = chain.pem, private-key = key.pem, "
          + "trusted-cas = cas.pem }\n";

  @TempDir Path dir;

  private Path conf(String content) throws Exception {
    return Files.writeString(dir.resolve("chainsight.conf"), TLS + content);
  }

  @Test
  void offByDefaultOnLoopbackPort9902() throws Exception {
    ChainsightConfig config = ConfigLoader.load(Optional.of(conf("")), Map.of(), Map.of());

    assertThat(config.admin().probes()).isEqualTo(new ProbesSettings(false, "127.0.0.1", 9902));
  }

  @Test
  void theImageTurnsThemOnForEveryInterfaceFromTheEnvironment() throws Exception {
    ChainsightConfig config =
        ConfigLoader.load(
            Optional.of(conf("")),
            Map.of(
                "CHAINSIGHT_ADMIN_PROBES_ENABLED", "true",
                "CHAINSIGHT_ADMIN_PROBES_HOST", "0.0.0.0",
                "CHAINSIGHT_ADMIN_PROBES_PORT", "9910"),
            Map.of());

    assertThat(config.admin().probes()).isEqualTo(new ProbesSettings(true, "0.0.0.0", 9910));
    assertThat(config.admin().token()).as("no token needed for the probes").isEmpty();
  }

  @Test
  void theAdminPortIsRefusedWithTheFix() throws Exception {
    Path file = conf("chainsight.admin.probes { enabled = true, port = 9901 }\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "admin.probes.port: 9901 is admin.port too (expected: another port for the probes "
                + "listener, e.g. 9902)");
  }

  @Test
  void aWrongTypeNamesTheKeyAndTheVariable() throws Exception {
    Path file = conf("");

    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.of(file), Map.of("CHAINSIGHT_ADMIN_PROBES_PORT", "probes"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "admin.probes.port: \"probes\" (expected: an integer, e.g. 9902), from environment "
                + "variable CHAINSIGHT_ADMIN_PROBES_PORT");
  }
}
