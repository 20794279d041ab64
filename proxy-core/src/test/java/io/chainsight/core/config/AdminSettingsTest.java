package io.chainsight.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admin listener is loopback-only unless a token guards it. */
class AdminSettingsTest {
  @Test
  void everyInterfaceWithoutATokenIsRefusedWithTheFix() {
    assertThatThrownBy(() -> new AdminSettings(true, "0.0.0.0", 9901, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "admin.host: 0.0.0.0 is not a loopback address and admin.token is not set, so anyone who can "
                + "reach it could read the configuration and the recent handshake failures (expected: admin.host = "
                + "127.0.0.1, or set admin.token (environment variable CHAINSIGHT_ADMIN_TOKEN) and send it as "
                + "Authorization: Bearer <token>)");
  }

  @Test
  void aNamedHostOrABlankTokenCountsAsExposed() {
    assertThatThrownBy(() -> new AdminSettings(true, "registrar.example", 9901, Optional.of("  ")))
        .hasMessageStartingWith("admin.host: registrar.example is not a loopback address");
    assertThatThrownBy(() -> new AdminSettings(true, "::", 9901, Optional.empty()))
        .hasMessageStartingWith("admin.host: :: is not a loopback address");
  }

  @Test
  void loopbackNeedsNoToken() {
    assertThat(new AdminSettings(true, "127.0.0.1", 9901, Optional.empty()).token()).isEmpty();
    assertThat(new AdminSettings(true, "127.0.0.53", 9901, Optional.empty()).host())
        .isEqualTo("127.0.0.53");
    assertThat(new AdminSettings(true, "::1", 9901, Optional.empty()).host()).isEqualTo("::1");
    assertThat(new AdminSettings(true, "localhost", 9901, Optional.empty()).host())
        .isEqualTo("localhost");
  }

  @Test
  void anExposedHostWithATokenOrADisabledListenerIsAccepted() {
    assertThat(new AdminSettings(true, "0.0.0.0", 9901, Optional.of("s3cret")).token())
        .contains("s3cret");
    assertThat(new AdminSettings(false, "0.0.0.0", 9901, Optional.empty()).enabled()).isFalse();
  }
}
