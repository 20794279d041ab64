package io.chainsight.cli.command;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.EffectiveConfig;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code chainsight check-config}: loads the configuration and the TLS files it names, as {@code run} would. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = {"Validate the configuration and the certificate, key and CA files it names, without starting.",
        "Exit code 0: usable (a summary is printed); 2: not (each problem is printed on stderr)."})
public final class CheckConfigCommand implements Callable<Integer> {
  @Mixin
  private ConfigOption configOption;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    Optional<EffectiveConfig> effective = configOption.loadOrExplain(Map.of());
    if (effective.isEmpty()) {
      return ConfigOption.EXIT_CONFIG;
    }
    ChainsightConfig config = effective.get().config();
    TlsMaterial material;
    try {
      material = TlsMaterial.load(config.tls());
    } catch (ConfigException e) {
      return configOption.explain(e);
    }
    printSummary(spec.commandLine().getOut(), config, material);
    return 0;
  }

  private void printSummary(PrintWriter out, ChainsightConfig config, TlsMaterial material) {
    out.println(spec.qualifiedName() + ": " + configOption.describe() + " is valid");
    out.println("  listen         " + config.listen().host() + ":" + config.listen().port());
    out.println("  backend        " + config.backend().url());
    out.println("  client-auth    " + config.tls().clientAuth().name().toLowerCase(Locale.ROOT));
    out.println("  admin          " + (config.admin().enabled()
        ? config.admin().host() + ":" + config.admin().port()
            + (config.admin().token().isPresent() ? " (token required)" : "")
        : "off"));
    out.println("  served chain   " + config.tls().certificateChain());
    List<X509Certificate> chain = material.chain();
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      Instant notAfter = certificate.getNotAfter().toInstant();
      out.println("    " + (i + 1) + ". subject=" + Certificates.subject(certificate)
          + "  issuer=" + Certificates.issuer(certificate) + "  notAfter=" + notAfter
          + (notAfter.isBefore(Instant.now()) ? " (EXPIRED)" : ""));
    }
    out.println("  trust anchors  " + material.trustAnchors().size()
        + config.tls().trustedCas().map(p -> " from " + p).orElse(""));
    out.flush();
  }
}
