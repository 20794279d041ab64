package io.chainsight.cli.command;

import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.EffectiveConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chainsight healthcheck [URL]}: one GET of the admin endpoint's {@code /healthz}, for
 * people and scripts that know the configuration file but not the port (the image's HEALTHCHECK is
 * {@code docker/healthcheck}, which needs no JVM). Exit 0 on 200, 1 otherwise: Docker reserves exit
 * code 2, so a configuration problem is 1 here too.
 */
@Command(
    name = "healthcheck",
    mixinStandardHelpOptions = true,
    description = {
      "GET the admin endpoint's /healthz once, found from the configuration as run finds it "
          + "(the container image's HEALTHCHECK uses docker/healthcheck instead, which needs no JVM).",
      "Without URL it reads the configuration as run does and calls http://<admin.host>:<admin.port>/healthz "
          + "(127.0.0.1 when admin.host is 0.0.0.0), with admin.token as a bearer token when set.",
      "Exit code 0: the answer was 200; 1: anything else (the reason is printed)."
    })
public final class HealthcheckCommand implements Callable<Integer> {
  static final int HEALTHY = 0;
  static final int UNHEALTHY = 1;

  @Mixin private ConfigOption configOption;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "URL",
      description =
          "URL to GET instead of the configured admin endpoint's /healthz (no token is sent to it).")
  private URI url;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "3",
      description =
          "Give up after this many seconds to connect, and as many for the answer (default: ${DEFAULT-VALUE}).")
  private int timeoutSeconds;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (timeoutSeconds < 1) {
      err.println(
          spec.qualifiedName()
              + ": --timeout "
              + timeoutSeconds
              + " (expected: at least 1 second)");
      err.flush();
      return UNHEALTHY;
    }
    URI target = url;
    Optional<String> token = Optional.empty();
    if (target == null) {
      Optional<EffectiveConfig> effective = configOption.loadOrExplain(Map.of());
      if (effective.isEmpty()) {
        return UNHEALTHY;
      }
      AdminSettings admin = effective.get().config().admin();
      if (!admin.enabled()) {
        err.println(
            spec.qualifiedName()
                + ": unhealthy: the admin endpoint is off (admin.enabled = false in "
                + configOption.describe()
                + "), so there is no /healthz to ask (expected: admin.enabled = true, or "
                + "drop the container's HEALTHCHECK)");
        err.flush();
        return UNHEALTHY;
      }
      target = healthzUri(admin);
      token = admin.token();
    }
    return check(target, token, Duration.ofSeconds(timeoutSeconds));
  }

  /**
   * {@code /healthz} on the configured admin listener, reached over loopback when it listens
   * everywhere.
   */
  static URI healthzUri(AdminSettings admin) {
    String host =
        switch (admin.host().strip()) {
          case "0.0.0.0" -> "127.0.0.1";
          case "::", "[::]" -> "[::1]";
          default -> admin.host().strip();
        };
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal inside a URL
    }
    return URI.create("http://" + host + ":" + admin.port() + "/healthz");
  }

  private int check(URI target, Optional<String> token, Duration timeout) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).GET();
      token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        out.println(spec.qualifiedName() + ": healthy: GET " + target + " answered 200");
        out.flush();
        return HEALTHY;
      }
      err.println(
          spec.qualifiedName()
              + ": unhealthy: GET "
              + target
              + " answered "
              + response.statusCode()
              + bodyPreview(response.body())
              + hint(response.statusCode(), token.isPresent()));
    } catch (ConnectException e) {
      err.println(
          spec.qualifiedName()
              + ": unhealthy: GET "
              + target
              + ": nothing listens on "
              + target.getHost()
              + ":"
              + target.getPort()
              + " (expected: chainsight running with its admin endpoint "
              + "there; check admin.enabled, admin.host and admin.port)");
    } catch (HttpTimeoutException e) {
      err.println(
          spec.qualifiedName()
              + ": unhealthy: GET "
              + target
              + ": no answer within "
              + timeout.toSeconds()
              + "s ("
              + e.getMessage()
              + "; the process may be overloaded or stopped: SIGSTOP, a long GC pause)");
    } catch (IOException e) {
      err.println(spec.qualifiedName() + ": unhealthy: GET " + target + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(spec.qualifiedName() + ": unhealthy: interrupted while waiting for " + target);
    } catch (IllegalArgumentException e) {
      err.println(
          spec.qualifiedName()
              + ": URL "
              + target
              + ": "
              + e.getMessage()
              + " (expected: http://HOST:PORT/PATH, e.g. http://127.0.0.1:9901/healthz)");
    }
    err.flush();
    return UNHEALTHY;
  }

  private static String bodyPreview(String body) {
    // Pretty-printed JSON spans lines: one line of it, whitespace collapsed, reads better than its
    // first "{".
    String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    if (line.isEmpty()) {
      return "";
    }
    return ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
  }

  private static String hint(int status, boolean sentToken) {
    if (status != 401 && status != 403) {
      return "";
    }
    return sentToken
        ? " (the admin endpoint refused admin.token: the running process was started with another token)"
        : " (the admin endpoint wants a token: set admin.token / CHAINSIGHT_ADMIN_TOKEN where the healthcheck "
            + "runs, or call it without a URL so it sends the configured token)";
  }
}
