package io.chainsight.core.admin;

import static io.chainsight.core.admin.TestJson.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestPki;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** What the proxy does with the admin settings and the lint when it starts. */
class AdminStartupIT {
  private final AdminFixture pki = new AdminFixture();

  @RegisterExtension final ProxyExtension proxy = new ProxyExtension(pki.pki);

  @Test
  void lintProblemsOfTheServedChainAreLoggedAtWarnOnStartup() throws Exception {
    HeldCertificate expiringSoon =
        pki.serverBuilder()
            .validity(
                pki.made.minus(Duration.ofDays(300)),
                pki.made.plus(Duration.ofDays(10)).plus(Duration.ofHours(12)))
            .build();
    TestPki.ServerFiles files = pki.write(proxy.dir(), expiringSoon);
    Logger lintLog = (Logger) LoggerFactory.getLogger("io.chainsight.lint");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    lintLog.addAppender(events);
    try {
      proxy.start(
          config ->
              config
                  .certificate(files.chain(), files.key())
                  .admin(AdminFixture.loopbackAdmin(Optional.empty())));
      // The lint runs in a thread of its own beside the first clients: wait for its lines.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!lintDone(events) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      lintLog.detachAppender(events);
    }

    List<String> warnings =
        events.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage)
            .collect(Collectors.toList());
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith(
            "served chain WARNING validity: certificate 1 (CN=registrar.keylime.test) expires at ")
        .endsWith(", in 10 days: renew it before then");
    assertThat(events.list)
        .filteredOn(e -> e.getLevel() == Level.INFO)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            message ->
                message.startsWith(
                    "served chain root: the chain includes the root CN=admin test root"));
  }

  /** Both lines this test expects are in (the appender appends under its own lock). */
  private static boolean lintDone(ListAppender<ILoggingEvent> events) {
    List<ILoggingEvent> seen;
    synchronized (events) {
      seen = List.copyOf(events.list);
    }
    return seen.stream().anyMatch(e -> e.getLevel() == Level.WARN)
        && seen.stream().anyMatch(e -> e.getFormattedMessage().startsWith("served chain root:"));
  }

  @Test
  void configFromTheLoaderShowsFileAndEnvironmentOrigins() throws Exception {
    TestPki.ServerFiles files = proxy.serverFiles();
    Path file =
        Files.writeString(
            files.chain().resolveSibling("chainsight.conf"),
            "chainsight {\n"
                + "  listen { host = \"127.0.0.1\", port = 0 }\n"
                + "  tls {\n"
                + "    certificate-chain = \""
                + files.chain().getFileName()
                + "\"\n"
                + "    private-key = \""
                + files.key().getFileName()
                + "\"\n"
                + "    trusted-cas = \""
                + files.trustedCas().getFileName()
                + "\"\n"
                + "  }\n"
                + "  admin { port = 0, token = \"t0ken-from-file\" }\n"
                + "}\n");
    EffectiveConfig effective =
        ConfigLoader.loadEffective(
            Optional.of(file),
            Map.of("CHAINSIGHT_BACKEND_URL", "http://127.0.0.1:" + proxy.backend().port()),
            Map.of());
    proxy.start(effective);

    String body =
        pki.send(
                URI.create(
                    "http://127.0.0.1:"
                        + proxy.server().adminAddress().orElseThrow().getPort()
                        + "/config"),
                "GET",
                "t0ken-from-file")
            .body();

    Map<String, Map<String, Object>> entries =
        list(TestJson.parse(body).get("entries")).stream()
            .map(TestJson::object)
            .collect(Collectors.toMap(e -> (String) e.get("key"), e -> e));
    assertThat(entries.get("listen.port").get("origin").toString())
        .startsWith(file.toString())
        .endsWith(":2");
    assertThat(entries.get("backend.url").get("origin").toString())
        .contains("CHAINSIGHT_BACKEND_URL");
    assertThat(entries.get("admin.token").get("value")).isEqualTo(EffectiveConfig.REDACTED);
    assertThat(body).doesNotContain("t0ken-from-file");
    for (String line : Files.readAllLines(files.key())) {
      if (!line.startsWith("-----")) {
        assertThat(body).doesNotContain(line);
      }
    }
  }

  @Test
  void theLoaderRefusesAnAdminListenerOnEveryInterfaceWithoutAToken() throws Exception {
    TestPki.ServerFiles files = proxy.serverFiles();

    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of(
                        "CHAINSIGHT_TLS_CERTIFICATE_CHAIN", files.chain().toString(),
                        "CHAINSIGHT_TLS_PRIVATE_KEY", files.key().toString(),
                        "CHAINSIGHT_TLS_TRUSTED_CAS", files.trustedCas().toString(),
                        "CHAINSIGHT_ADMIN_HOST", "0.0.0.0"),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .anyMatch(
                        problem ->
                            problem.contains(
                                "admin.host: 0.0.0.0 is not a loopback address and admin.token is not set")));
  }
}
