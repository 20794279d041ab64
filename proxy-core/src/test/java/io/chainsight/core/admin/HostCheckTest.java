package io.chainsight.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostCheckTest {
  @Test
  void addressesLocalhostAndTheConfiguredHostPass() {
    for (String host :
        new String[] {
          "127.0.0.1:9901",
          "127.0.0.1",
          "[::1]:9901",
          "::1",
          "localhost:9901",
          "LOCALHOST",
          "admin.localhost:9901",
          "10.1.2.3:9901",
          "sidecar:9901",
          null,
          ""
        }) {
      assertThat(HostCheck.refusal(host, "sidecar")).as(String.valueOf(host)).isEmpty();
    }
  }

  @Test
  void anyOtherNameIsRefusedNamingItAndTheFix() {
    assertThat(HostCheck.refusal("rebind.attacker.example:9901", "127.0.0.1"))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith(
                        "Host: rebind.attacker.example:9901 is not an address of this admin "
                            + "endpoint (expected: an IP address, localhost or admin.host = "
                            + "127.0.0.1;")
                    .contains("set admin.token to use a name"));
  }
}
