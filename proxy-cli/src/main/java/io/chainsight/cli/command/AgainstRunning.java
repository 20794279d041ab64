package io.chainsight.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ConfigDiff;
import io.chainsight.core.config.EffectiveConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code check-config --against-running}: what a reload of the running proxy would do with the
 * configuration just checked. The running one is read from the admin endpoint ({@code /config},
 * {@code /certs}), compared key by key as the proxy's own reload compares them, and said as the
 * reload would: the changes it would apply, or the keys that need a restart (then it would apply
 * nothing).
 *
 * <p>A key the running proxy took from its environment or its command line keeps that value on a
 * reload (it reads them again, unchanged), so it is left out of the comparison and named instead.
 */
final class AgainstRunning {
  /** A reload would take this configuration (or find nothing to change). */
  static final int WOULD_APPLY = 0;

  /** The running proxy could not be asked. */
  static final int UNREACHABLE = 1;

  /** A key needs a restart: a reload would be refused and change nothing. */
  static final int NEEDS_RESTART = 3;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** What the running proxy says of itself. */
  record Running(
      long generation, String loadedAt, List<EffectiveConfig.Entry> entries, String servedSha256) {}

  /**
   * The running proxy did not answer as an admin endpoint does; the message says why and what to
   * do.
   */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }

  private AgainstRunning() {}

  /** Reads {@code /config} and {@code /certs} from the admin endpoint at {@code base}. */
  static Running ask(URI base, Optional<String> token) throws Unreachable {
    JsonNode config = get(base.resolve("/config"), token);
    JsonNode certs = get(base.resolve("/certs"), token);
    List<EffectiveConfig.Entry> entries = new ArrayList<>();
    for (JsonNode entry : config.path("entries")) {
      entries.add(
          new EffectiveConfig.Entry(
              entry.path("key").asText(),
              entry.path("value").asText(),
              entry.path("origin").asText()));
    }
    if (entries.isEmpty()) {
      throw new Unreachable(
          base.resolve("/config")
              + " listed no keys (expected: the admin endpoint of chainsight run; is --admin the right"
              + " address?)");
    }
    return new Running(
        config.path("generation").asLong(1),
        config.path("loadedAt").asText("an unknown time"),
        entries,
        certs.path("served").path("certificates").path(0).path("sha256").asText(""));
  }

  private static JsonNode get(URI uri, Optional<String> token) throws Unreachable {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET();
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401) {
        throw new Unreachable(
            "GET "
                + uri
                + " answered 401 (expected: the running proxy's admin.token; set admin.token or "
                + "CHAINSIGHT_ADMIN_TOKEN as the proxy has it, and leave out --admin)");
      }
      if (response.statusCode() != 200) {
        throw new Unreachable("GET " + uri + " answered " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new Unreachable(
          "GET "
              + uri
              + ": "
              + e
              + " (expected: chainsight run with its admin endpoint there; check admin.enabled,"
              + " admin.host and admin.port, or give --admin http://HOST:PORT)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while asking " + uri);
    }
  }

  /** Prints what a reload would do; returns {@link #WOULD_APPLY} or {@link #NEEDS_RESTART}. */
  static int report(
      PrintWriter out, URI base, Running running, EffectiveConfig local, TlsMaterial material) {
    out.println(
        "against the running proxy at "
            + base
            + " (generation "
            + running.generation()
            + ", loaded at "
            + running.loadedAt()
            + "):");
    Map<String, EffectiveConfig.Entry> theirs = new TreeMap<>();
    running.entries().forEach(e -> theirs.put(e.key(), e));
    List<EffectiveConfig.Entry> compared = new ArrayList<>();
    List<EffectiveConfig.Entry> ours = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    for (EffectiveConfig.Entry mine : local.entries()) {
      EffectiveConfig.Entry running0 = theirs.get(mine.key());
      if (running0 == null) {
        ours.add(mine);
        continue;
      }
      if (keptOnReload(running0.origin())) {
        if (!running0.value().equals(mine.value())) {
          kept.add(mine.key() + " = " + running0.value() + " (" + running0.origin() + ")");
        }
        continue;
      }
      if (mine.value().equals(EffectiveConfig.REDACTED)
          && running0.value().equals(EffectiveConfig.REDACTED)) {
        secrets.add(mine.key());
      }
      compared.add(running0);
      ours.add(mine);
    }
    ConfigDiff diff = ConfigDiff.between(compared, ours, Set.of());
    List<String> tls = servedCertificate(running, material);
    List<ConfigDiff.Change> restart = diff.needingRestart();
    int exit;
    if (!restart.isEmpty()) {
      out.println("  a reload would be refused: these keys need a restart");
      restart.forEach(c -> out.println("    " + c.describe()));
      List<String> rest =
          diff.changes().stream()
              .filter(c -> !c.needsRestart())
              .map(ConfigDiff.Change::describe)
              .toList();
      if (!rest.isEmpty() || !tls.isEmpty()) {
        out.println("  and nothing else would be applied either:");
        rest.forEach(line -> out.println("    " + line));
        tls.forEach(line -> out.println("    " + line));
      }
      exit = NEEDS_RESTART;
    } else if (diff.isEmpty() && tls.isEmpty()) {
      out.println("  a reload would change nothing");
      exit = WOULD_APPLY;
    } else {
      int count = diff.changes().size() + tls.size();
      out.println("  a reload would apply " + count + (count == 1 ? " change:" : " changes:"));
      diff.lines().forEach(line -> out.println("    " + line));
      tls.forEach(line -> out.println("    " + line));
      exit = WOULD_APPLY;
    }
    if (!kept.isEmpty()) {
      out.println(
          "  kept by the running proxy, which reads its own environment and options again:");
      kept.forEach(line -> out.println("    " + line));
    }
    if (!secrets.isEmpty()) {
      out.println(
          "  not compared (secrets, redacted on both sides): " + String.join(", ", secrets));
    }
    out.flush();
    return exit;
  }

  /** A value from the proxy's environment or command line: a reload reads the same again. */
  private static boolean keptOnReload(String origin) {
    return origin.startsWith("environment variable ") || origin.equals("command-line option");
  }

  /** The served certificate, when the files now hold another than the one being served. */
  private static List<String> servedCertificate(Running running, TlsMaterial material) {
    X509Certificate leaf = material.leaf();
    String sha256 = Certificates.sha256(leaf);
    if (running.servedSha256().isEmpty() || running.servedSha256().equals(sha256)) {
      return List.of();
    }
    return List.of(
        "served certificate: SHA-256 "
            + running.servedSha256()
            + " -> "
            + Certificates.subject(leaf)
            + " serial "
            + Certificates.serialHex(leaf)
            + " SHA-256 "
            + sha256);
  }
}
