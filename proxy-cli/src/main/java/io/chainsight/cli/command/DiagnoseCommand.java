package io.chainsight.cli.command;

import io.chainsight.core.certs.Pem;
import io.chainsight.core.certs.PemException;
import io.chainsight.core.diagnose.ChainAnalyzer;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.DiagnosisJson;
import io.chainsight.core.diagnose.DiagnosisText;
import io.chainsight.core.diagnose.Purpose;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chainsight diagnose}: the diagnosis engine, offline, on PEM files. */
@Command(
    name = "diagnose",
    mixinStandardHelpOptions = true,
    description =
        "Explain step by step whether a certificate chain verifies against a trust bundle, and if not, "
            + "which step fails, the OpenSSL error a C client reports and the fix.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the chain verifies",
      "1:the chain does not verify",
      "2:bad input (unreadable file, bad option)"
    })
public final class DiagnoseCommand implements Callable<Integer> {
  /** {@code --purpose}: what the leaf must be good for. */
  enum PurposeOption {
    CLIENT(Purpose.CLIENT_AUTH),
    SERVER(Purpose.SERVER_AUTH);

    final Purpose purpose;

    PurposeOption(Purpose purpose) {
      this.purpose = purpose;
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--chain",
      required = true,
      paramLabel = "FILE",
      description = "PEM file with the chain as presented: the leaf first, then the intermediates.")
  Path chain;

  @Option(
      names = "--trust",
      required = true,
      paramLabel = "FILE",
      description = "PEM file with the trusted CA certificates (trust anchors).")
  Path trust;

  @Option(
      names = "--crl",
      paramLabel = "FILE",
      description =
          "PEM file with CRLs; repeatable. With CRLs, every CA on the path needs a current one.")
  List<Path> crls = new ArrayList<>();

  @Option(
      names = "--purpose",
      defaultValue = "client",
      paramLabel = "client|server",
      description = "What the leaf must be good for (default: ${DEFAULT-VALUE}).")
  PurposeOption purpose;

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description = "Host name or IP address the leaf must hold in its subjectAltName.")
  String host;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description = "Check at this time instead of now: 2026-05-01T12:00:00Z or 2026-05-01.")
  String at;

  @Option(
      names = "--partial-chain",
      description =
          "Let a path end at a trusted certificate that is not self-signed (curl's behaviour).")
  boolean partialChain;

  @Option(names = "--json", description = "Print the diagnosis as JSON.")
  boolean json;

  @Override
  public Integer call() {
    List<X509Certificate> presented;
    List<X509Certificate> anchors;
    List<X509CRL> revocations = new ArrayList<>();
    Instant time;
    try {
      presented = Pem.readCertificates(chain);
      anchors = Pem.readCertificates(trust);
      for (Path crl : crls) {
        revocations.addAll(Pem.readCrls(crl));
      }
      time = at == null ? Instant.now() : Times.parse("--at", at);
    } catch (PemException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("chainsight diagnose: " + e.getMessage());
      return 2;
    }
    ChainDiagnosis diagnosis =
        ChainAnalyzer.builder()
            .trustAnchors(anchors)
            .crls(revocations)
            .purpose(purpose.purpose)
            .partialChain(partialChain)
            .trustStoreName(trust.toString())
            .build()
            .analyze(presented, time, Optional.ofNullable(host));
    spec.commandLine()
        .getOut()
        .print(json ? DiagnosisJson.render(diagnosis) + "\n" : DiagnosisText.render(diagnosis));
    spec.commandLine().getOut().flush();
    return diagnosis.valid() ? 0 : 1;
  }
}
