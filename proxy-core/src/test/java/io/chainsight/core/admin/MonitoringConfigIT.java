package io.chainsight.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.ProxyExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert rules (config/prometheus) and the Grafana dashboard (config/grafana) read only metrics
 * that a real chainsight exports, and promtool accepts the rules and passes their unit tests.
 */
class MonitoringConfigIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path RULES = REPO.resolve("config/prometheus/chainsight-rules.yml");
  private static final Path RULE_TESTS =
      REPO.resolve("config/prometheus/chainsight-rules.test.yml");
  private static final Path DASHBOARD = REPO.resolve("config/grafana/chainsight-dashboard.json");

  private static final AdminFixture pki = new AdminFixture();

  @RegisterExtension final ProxyExtension proxy = new ProxyExtension(pki.pki);

  @Test
  void everyMetricTheRulesAndTheDashboardReadIsInARealScrape() throws Exception {
    Set<String> scraped = scrapeAfterOneOfEverything();
    Set<String> rules = new TreeSet<>();
    for (JsonNode group :
        new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        rules.addAll(PromQlNames.of(rule.get("expr").asText()));
      }
    }
    Set<String> dashboard = new TreeSet<>();
    JsonNode board = new ObjectMapper().readTree(DASHBOARD.toFile());
    for (JsonNode panel : board.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        dashboard.addAll(PromQlNames.of(target.get("expr").asText()));
      }
    }
    for (JsonNode variable : board.get("templating").get("list")) {
      String query = variable.path("query").path("query").asText("");
      // label_values(METRIC, LABEL): the first argument is a metric name.
      if (query.startsWith("label_values(")) {
        dashboard.add(query.substring("label_values(".length(), query.indexOf(',')).strip());
      }
    }

    assertThat(rules)
        .as("the metrics the alert rules read")
        .contains(
            "chainsight_backend_up",
            "chainsight_certificate_expiry_seconds",
            "chainsight_handshake_failures_total",
            "chainsight_ready",
            "chainsight_ready_check",
            "chainsight_reload_refused");
    assertThat(dashboard)
        .as("the metrics the dashboard reads")
        .contains("chainsight_handshakes_total", "chainsight_requests_total", "chainsight_ready");
    assertThat(scraped).as("the scrape").containsAll(rules).containsAll(dashboard);
  }

  @Test
  void theDashboardTakesItsDataSourceFromAVariable() throws IOException {
    JsonNode board = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> sources = new ArrayList<>();
    board.findValues("datasource").forEach(d -> sources.add(d.path("uid").asText(d.asText())));

    assertThat(board.get("templating").get("list").get(0).get("type").asText())
        .isEqualTo("datasource");
    assertThat(sources).isNotEmpty().allMatch("${datasource}"::equals);
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass() {
    Command.Result check = promtool("check", "rules", RULES.toString());
    Command.Result test = promtool("test", "rules", RULE_TESTS.toString());

    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout()).contains("SUCCESS: 7 rules found");
    assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
    assertThat(test.stdout()).contains("SUCCESS");
  }

  private static Command.Result promtool(String... arguments) {
    if (Files.notExists(Path.of("/usr/bin/promtool"))) {
      throw new AssertionError(
          "promtool is missing: the alert rules are checked with it (expected: Debian's prometheus "
              + "package; install it with `apt-get install prometheus`, as .ci/run does)");
    }
    List<String> command = new ArrayList<>(List.of("/usr/bin/promtool"));
    command.addAll(List.of(arguments));
    return Command.run(command, null, 60);
  }

  /**
   * The sample names of /metrics after a good request, a refused handshake, a request the backend
   * could not take (it was stopped), and a reload: every counter family then has a sample.
   */
  private Set<String> scrapeAfterOneOfEverything() throws Exception {
    proxy.start(config -> config.admin(AdminFixture.loopbackAdmin(Optional.empty())));
    HttpRequest version = HttpRequest.newBuilder(proxy.uri("/version")).build();
    assertThat(proxy.client().send(version, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    try (SSLSocket socket =
        (SSLSocket)
            pki.clientContext(null).getSocketFactory().createSocket("localhost", proxy.port())) {
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      socket.getInputStream().read();
    } catch (IOException refused) {
      // No client certificate: refused and counted.
    }
    proxy.backend().close();
    assertThat(proxy.client().send(version, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(502);
    String admin = "http://127.0.0.1:" + proxy.server().adminAddress().orElseThrow().getPort();
    assertThat(pki.send(URI.create(admin + "/reload"), "POST", null).statusCode()).isEqualTo(200);
    AdminFixture.await(
        "the refused handshake counted",
        Duration.ofSeconds(10),
        () -> proxy.server().metrics().handshakeFailures("NO_CLIENT_CERTIFICATE") == 1);

    Set<String> names = new TreeSet<>();
    for (String line : pki.send(URI.create(admin + "/metrics"), "GET", null).body().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }
}
