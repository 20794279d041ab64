package io.chainsight.cli.command;

import io.chainsight.cli.probe.ProbeException;
import io.chainsight.cli.probe.TlsProbe;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.certs.PemException;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ClientModes;
import io.chainsight.core.diagnose.Step;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chainsight probe}: connects to a server as a client, captures its chain, and reports how
 * each way of loading the CA file fares (every block, first block only, with or without the OS
 * store, partial chains). The command an operator runs on the agent's host.
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description =
        "Connect to a TLS server, capture the chain it presents, and show for each way real clients "
            + "load a CA file whether verification succeeds, and if not which step fails and the OpenSSL error.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every client mode verifies the server (and the client certificate, if given, is accepted)",
      "1:some client mode fails, or the client certificate is rejected",
      "2:bad input, or the server cannot be reached over TLS"
    })
public final class ProbeCommand implements Callable<Integer> {
  static final Path OS_TRUST_STORE = Path.of("/etc/ssl/certs/ca-certificates.crt");

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "URL",
      description = "https://HOST[:PORT][/PATH] (port 443 by default).")
  String url;

  @Option(
      names = "--ca",
      required = true,
      paramLabel = "FILE",
      description = "The CA file the client uses (e.g. rust-keylime's registrar_tls_ca_cert).")
  Path ca;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "Client certificate chain (PEM, leaf first).")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "Private key of the client certificate (PEM).")
  Path key;

  @Option(
      names = "--os-ca-file",
      paramLabel = "FILE",
      defaultValue = "/etc/ssl/certs/ca-certificates.crt",
      description =
          "The OS trust store, for the client modes that add it (default: ${DEFAULT-VALUE}; skipped when "
              + "absent).")
  Path osCaFile;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Connect and read timeout (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    ProbeReport report;
    try {
      Target target = Target.parse(url);
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException(
            "--cert and --key: only "
                + (cert == null ? "--key" : "--cert")
                + " given (expected: both, or neither)");
      }
      if (timeoutSeconds < 1) {
        throw new IllegalArgumentException("--timeout: " + timeoutSeconds + " (expected: >= 1)");
      }
      List<X509Certificate> caFile = Pem.readCertificates(ca);
      Optional<List<X509Certificate>> osStore = readOsStore();
      Optional<List<X509Certificate>> clientChain = Optional.empty();
      Optional<KeyManager[]> credentials = Optional.empty();
      if (cert != null) {
        List<X509Certificate> chain = Pem.readCertificates(cert);
        PrivateKey privateKey = Pem.readPrivateKey(key);
        clientChain = Optional.of(chain);
        credentials = Optional.of(TlsProbe.clientCredentials(chain, privateKey));
      }
      TlsProbe.Result result =
          new TlsProbe(
                  target.host(),
                  target.port(),
                  target.path(),
                  Duration.ofSeconds(timeoutSeconds),
                  credentials)
              .run();
      Instant now = Instant.now();
      List<ClientModes.Result> modes =
          ClientModes.evaluate(
              result.serverChain(),
              caFile,
              ca.toString(),
              osStore,
              Optional.of(target.host()),
              now);
      Step hostName = ClientModes.hostName(result.serverChain().get(0), target.host());
      report =
          new ProbeReport(
              url, now, result, ca, caFile, osCaFile, osStore, modes, hostName, clientChain);
    } catch (PemException | IllegalArgumentException | ProbeException e) {
      return badInput(e.getMessage());
    } catch (GeneralSecurityException e) {
      return badInput(
          "--cert "
              + cert
              + " / --key "
              + key
              + ": cannot be used as a client certificate: "
              + e.getMessage()
              + " (expected: an EC or RSA key and the certificate issued for it)");
    }
    spec.commandLine().getOut().print(json ? report.json() + "\n" : report.text());
    spec.commandLine().getOut().flush();
    return report.allPass() ? 0 : 1;
  }

  private Optional<List<X509Certificate>> readOsStore() {
    if (!Files.isReadable(osCaFile)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pem.readCertificates(osCaFile));
    } catch (PemException e) {
      spec.commandLine()
          .getErr()
          .println("chainsight probe: skipping the OS trust store: " + e.getMessage());
      return Optional.empty();
    }
  }

  private int badInput(String message) {
    spec.commandLine().getErr().println("chainsight probe: " + message);
    return 2;
  }

  /** Where to connect, from the URL. */
  record Target(String host, int port, String path) {
    static Target parse(String url) {
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "URL: \"" + url + "\" is not a URL (expected: https://HOST[:PORT])");
      }
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "URL: \"" + url + "\" (expected: https://HOST[:PORT][/PATH])");
      }
      String host =
          uri.getHost().startsWith("[")
              ? uri.getHost().substring(1, uri.getHost().length() - 1)
              : uri.getHost();
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      return new Target(host, uri.getPort() == -1 ? 443 : uri.getPort(), path);
    }
  }

  static String describe(X509Certificate certificate) {
    return Certificates.subject(certificate)
        + (Certificates.isSelfIssued(certificate)
            ? " (self-signed)"
            : " (issued by " + Certificates.issuer(certificate) + ")");
  }

  static String verdict(ChainDiagnosis diagnosis) {
    return diagnosis.valid() ? "ok" : "FAIL";
  }
}
