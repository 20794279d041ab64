package io.chainsight.cli.command;

import io.chainsight.core.certs.BackendTlsMaterial;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.lint.ChainLint;
import io.chainsight.core.lint.LintFinding;
import java.io.PrintWriter;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chainsight check-config}: loads the configuration and the TLS files it names, as {@code
 * run} would.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
      "Validate the configuration and the certificate, key and CA files it names, without starting.",
      "Exit code 0: usable (a summary is printed; what works but fails some clients, such as a leaf",
      "served without its intermediate, gets a warning: line on stderr); 2: not (each problem is",
      "printed on stderr).",
      "With --against-running, also what a reload of the running proxy would change: exit 3 when a key",
      "needs a restart (the reload would be refused), 1 when the running proxy cannot be asked."
    })
public final class CheckConfigCommand implements Callable<Integer> {
  @Mixin private ConfigOption configOption;

  @Option(
      names = "--against-running",
      description =
          "Ask the running proxy's admin endpoint what it serves (/config, /certs) and print what a"
              + " reload with this configuration would change, or which keys need a restart.")
  private boolean againstRunning;

  @Option(
      names = "--admin",
      paramLabel = "URL",
      description =
          "The running proxy's admin endpoint, e.g. http://127.0.0.1:9901 (default: admin.host and"
              + " admin.port of this configuration, with its admin.token; no token is sent to a URL"
              + " given here).")
  private URI admin;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    Optional<EffectiveConfig> effective = configOption.loadOrExplain(Map.of());
    if (effective.isEmpty()) {
      return ConfigOption.EXIT_CONFIG;
    }
    ChainsightConfig config = effective.get().config();
    List<String> problems = new ArrayList<>();
    TlsMaterial material = null;
    try {
      material = TlsMaterial.load(config.tls());
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    // The files each https route presents and trusts, as the proxy will load them.
    for (int i = 0; i < config.routes().size(); i++) {
      Optional<BackendTlsSettings> tls = config.routes().get(i).tls();
      if (tls.isPresent()) {
        try {
          BackendTlsMaterial.load("routes[" + i + "].tls", tls.get());
        } catch (ConfigException e) {
          problems.addAll(e.problems());
        }
      }
    }
    if (!problems.isEmpty()) {
      return configOption.explain(new ConfigException(problems));
    }
    printSummary(spec.commandLine().getOut(), config, material);
    printWarnings(spec.commandLine().getErr(), config, material);
    return againstRunning ? againstRunning(effective.get(), material) : 0;
  }

  private int againstRunning(EffectiveConfig local, TlsMaterial material) {
    URI base = admin;
    Optional<String> token = Optional.empty();
    if (base == null) {
      URI healthz = HealthcheckCommand.healthzUri(local.config().admin());
      base = URI.create(healthz.getScheme() + "://" + healthz.getRawAuthority());
      token = local.config().admin().token();
    }
    try {
      AgainstRunning.Running running = AgainstRunning.ask(base, token);
      return AgainstRunning.report(spec.commandLine().getOut(), base, running, local, material);
    } catch (AgainstRunning.Unreachable e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.qualifiedName() + ": cannot ask the running proxy: " + e.getMessage());
      err.flush();
      return AgainstRunning.UNREACHABLE;
    }
  }

  /**
   * What works today but fails some clients (a leaf served without its intermediate, a certificate
   * about to expire, a listen host not in the SANs): one {@code warning:} line each, the same
   * findings the proxy logs at startup and /certs shows. The exit code stays 0: the config is
   * usable.
   */
  private static void printWarnings(
      PrintWriter err, ChainsightConfig config, TlsMaterial material) {
    List<LintFinding> findings =
        ChainLint.lint(
            material.chain(),
            material.privateKey(),
            config.listen().host(),
            Instant.now(),
            material.trustAnchors());
    for (LintFinding finding : findings) {
      if (finding.level().isProblem()) {
        err.println(
            "warning: tls.certificate-chain: "
                + config.tls().certificateChain()
                + ": "
                + finding.message());
      }
    }
    err.flush();
  }

  private void printSummary(PrintWriter out, ChainsightConfig config, TlsMaterial material) {
    out.println(spec.qualifiedName() + ": " + configOption.describe() + " is valid");
    out.println("  listen         " + config.listen().host() + ":" + config.listen().port());
    out.println("  backend        " + config.backend().url());
    out.println("  client-auth    " + config.clientAuthPolicy());
    out.println(
        "  admin          "
            + (config.admin().enabled()
                ? config.admin().host()
                    + ":"
                    + config.admin().port()
                    + (config.admin().token().isPresent() ? " (token required)" : "")
                : "off"));
    out.println("  served chain   " + config.tls().certificateChain());
    List<X509Certificate> chain = material.chain();
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      Instant notAfter = certificate.getNotAfter().toInstant();
      out.println(
          "    "
              + (i + 1)
              + ". subject="
              + Certificates.subject(certificate)
              + "  issuer="
              + Certificates.issuer(certificate)
              + "  notAfter="
              + notAfter
              + (notAfter.isBefore(Instant.now()) ? " (EXPIRED)" : ""));
    }
    out.println(
        "  trust anchors  "
            + material.trustAnchors().size()
            + config.tls().trustedCas().map(p -> " from " + p).orElse(""));
    out.println("  access.allow   " + rules(config.allow().size()));
    if (!config.routes().isEmpty()) {
      out.println("  routes         " + config.routes().size());
      for (int i = 0; i < config.routes().size(); i++) {
        out.println("    " + i + ". " + describe(config, config.routes().get(i)));
      }
    }
    out.flush();
  }

  /**
   * {@code /v*}{@code /agents GET|DELETE -> https://127.0.0.1:8891 client-auth require, 1 rule}.
   */
  private static String describe(ChainsightConfig config, RouteSettings route) {
    String clientAuth =
        route.clientAuth().orElse(config.tls().clientAuth()).name().toLowerCase(Locale.ROOT);
    String access = route.allow().map(rules -> rules(rules.size())).orElse("global access.allow");
    return route.describe()
        + " -> "
        + route.backend().orElse(config.backend().url())
        + "  client-auth "
        + clientAuth
        + ", "
        + access;
  }

  private static String rules(int count) {
    return count == 0 ? "any verified certificate" : count + (count == 1 ? " rule" : " rules");
  }
}
