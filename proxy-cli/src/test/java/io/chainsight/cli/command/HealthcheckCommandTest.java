package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.config.AdminSettings;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which URL {@code chainsight healthcheck} asks when given none: the admin listener, over loopback
 * if need be.
 */
class HealthcheckCommandTest {
  private static String uri(String host) {
    return HealthcheckCommand.healthzUri(new AdminSettings(true, host, 9901, Optional.of("t")))
        .toString();
  }

  @Test
  void everyIpv4InterfaceIsAskedOverLoopback() {
    assertThat(uri("0.0.0.0")).isEqualTo("http://127.0.0.1:9901/healthz");
  }

  @Test
  void everyIpv6InterfaceIsAskedOverIpv6Loopback() {
    assertThat(uri("::")).isEqualTo("http://[::1]:9901/healthz");
  }

  @Test
  void anIpv6LiteralIsBracketed() {
    assertThat(uri("fd00::5")).isEqualTo("http://[fd00::5]:9901/healthz");
  }

  @Test
  void aSpecificAddressIsAskedAsConfigured() {
    assertThat(uri("127.0.0.1")).isEqualTo("http://127.0.0.1:9901/healthz");
    assertThat(uri("localhost")).isEqualTo("http://localhost:9901/healthz");
  }
}
