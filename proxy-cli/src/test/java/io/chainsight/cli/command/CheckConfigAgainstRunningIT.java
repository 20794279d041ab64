package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.cli.Main;
import io.chainsight.core.config.ConfigSource;
import io.chainsight.core.proxy.ChainsightServer;
import io.chainsight.core.testing.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chainsight check-config --against-running} against a proxy running from one file, with
 * another file: what a reload would change, and what would need a restart.
 */
class CheckConfigAgainstRunningIT {
  private static final String BASE =
      "chainsight {\n"
          + "  listen { host = 127.0.0.1, port = 0 }\n"
          + "  admin { host = 127.0.0.1, port = 0 }\n"
          + "  tls { certificate-chain = server-chain.pem, private-key = server-key.pem,"
          + " trusted-cas = trusted-cas.pem }\n";

  @TempDir Path dir;
  private ChainsightServer proxy;
  private String admin;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void startProxy() throws Exception {
    TestPki.create().writeServerFiles(dir);
    Path running = Files.writeString(dir.resolve("running.conf"), BASE + "}\n");
    ConfigSource source = ConfigSource.of(Optional.of(running), Map.of(), Map.of());
    proxy = ChainsightServer.start(source, source.load(), config -> {});
    admin = "http://127.0.0.1:" + proxy.adminAddress().orElseThrow().getPort();
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  private int againstRunning(String content) throws Exception {
    Path next = Files.writeString(dir.resolve("next.conf"), content);
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(
        "check-config", "-c", next.toString(), "--against-running", "--admin", admin);
  }

  @Test
  void anAddedAccessRuleIsTheOneChangeAReloadWouldApply() throws Exception {
    int exit = againstRunning(BASE + "  access.allow = [ { subject-cn = tenant-1 } ]\n}\n");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("against the running proxy at " + admin + " (generation 1, loaded at ")
        .contains(
            "  a reload would apply 1 change:\n"
                + "    access.allow: [] -> [{\"subject-cn\":\"tenant-1\"}]\n");
  }

  @Test
  void theSameConfigurationWouldChangeNothing() throws Exception {
    int exit = againstRunning(BASE + "}\n");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("  a reload would change nothing\n");
  }

  @Test
  void aPortChangeNeedsARestartAndExits3() throws Exception {
    int exit =
        againstRunning(
            BASE.replace("port = 0 }\n  admin", "port = 18443 }\n  admin")
                + "  limits.max-headers = 50\n}\n");

    assertThat(exit).isEqualTo(3);
    assertThat(out.toString())
        .contains(
            "  a reload would be refused: these keys need a restart\n"
                + "    listen.port: 0 -> 18443 needs a restart")
        .contains(
            "  and nothing else would be applied either:\n    limits.max-headers: 100 -> 50\n");
  }

  @Test
  void noProxyThereExits1NamingTheAddress() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    admin = "http://127.0.0.1:" + port;

    int exit = againstRunning(BASE + "}\n");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .startsWith(
            "chainsight check-config: cannot ask the running proxy: GET " + admin + "/config")
        .contains("check admin.enabled, admin.host and admin.port, or give --admin");
  }
}
