package io.chainsight.core.diagnose;

import io.chainsight.core.certs.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a server's chain fares with each {@link ClientMode}: the same chain and CA file, analysed
 * once per way of loading the file. This is what tells "curl works, the agent fails" apart: a CA
 * file whose first block is an intermediate passes every-block clients and fails first-block ones
 * with OpenSSL error 2.
 */
public final class ClientModes {
  private ClientModes() {}

  /** One mode's verdict. */
  public record Result(ClientMode mode, ChainDiagnosis diagnosis) {}

  /**
   * @param presented the chain the server presented, in order
   * @param caFile the certificates of the CA file, in file order
   * @param caFileName how to name the CA file in fixes
   * @param osStore the OS trust store, if there is one; modes that use it are skipped without
   * @param host the host name or IP the client connects to
   */
  public static List<Result> evaluate(
      List<X509Certificate> presented,
      List<X509Certificate> caFile,
      String caFileName,
      Optional<List<X509Certificate>> osStore,
      Optional<String> host,
      Instant at) {
    if (caFile.isEmpty()) {
      throw new IllegalArgumentException("caFile: empty (expected: at least one certificate)");
    }
    List<Result> results = new ArrayList<>();
    ChainDiagnosis everyBlock = null;
    for (ClientMode mode : ClientMode.values()) {
      if (mode.osStore() && osStore.isEmpty()) {
        continue;
      }
      List<X509Certificate> anchors =
          new ArrayList<>(mode.everyBlock() ? caFile : caFile.subList(0, 1));
      if (mode.osStore()) {
        anchors.addAll(osStore.get());
      }
      ChainAnalyzer analyzer =
          ChainAnalyzer.builder()
              .trustAnchors(anchors)
              .purpose(Purpose.SERVER_AUTH)
              .partialChain(mode.partialChain())
              .trustStoreName(caFileName)
              .build();
      ChainDiagnosis diagnosis = analyzer.analyze(presented, at, host);
      if (mode == ClientMode.EVERY_BLOCK) {
        everyBlock = diagnosis;
      } else if (!mode.everyBlock() && !diagnosis.valid() && everyBlock.valid()) {
        diagnosis = firstBlockFix(diagnosis, everyBlock, caFile, caFileName);
      }
      results.add(new Result(mode, diagnosis));
    }
    return List.copyOf(results);
  }

  /**
   * A client reading only the first block fails where reading every block works: the block order is
   * the problem, and the fix is to move the block the path needs to the front.
   */
  private static ChainDiagnosis firstBlockFix(
      ChainDiagnosis firstBlock,
      ChainDiagnosis everyBlock,
      List<X509Certificate> caFile,
      String caFileName) {
    CertificateRef needed = everyBlock.path().get(everyBlock.path().size() - 1);
    Optional<CertificateRef> unsent =
        everyBlock.path().stream()
            .filter(c -> c.source() == CertificateRef.Source.TRUST_ANCHOR)
            .filter(c -> c.presentedIndex().isEmpty() && !c.subject().equals(c.issuer()))
            .findFirst();
    String fix =
        unsent.isPresent()
            // The path takes an intermediate from the CA file because the server does not send it:
            // one block cannot hold both it and the root, so no CA file works for this client.
            ? "The server must send the intermediate "
                + unsent.get().nameAndKey()
                + ": it sends "
                + Wording.plural(firstBlock.presented().size(), "certificate")
                + " without it, and the path takes it from block "
                + (unsent.get().index() + 1)
                + " of "
                + caFileName
                + ". This client reads only the first PEM block, "
                + Certificates.subject(caFile.get(0))
                + ", so no CA file works for it (the intermediate first: OpenSSL error 2; the root"
                + " first: error 20). Add the intermediate to the server's chain right after its"
                + " leaf (chainsight: tls.certificate-chain), then put the root first, or alone, in "
                + caFileName
                + "."
            : "This client reads only the first PEM block of "
                + caFileName
                + ", "
                + Certificates.subject(caFile.get(0))
                + "; the path needs "
                + needed.subject()
                + ", which is block "
                + (needed.index() + 1)
                + ": put it first, or alone, in "
                + caFileName
                + ".";
    Failure f = firstBlock.failure().orElseThrow();
    Failure moved =
        new Failure(
            f.reason(), f.step(), f.certificate(), f.explanation(), fix, f.openssl(), f.alert());
    return new ChainDiagnosis(
        firstBlock.checkedAt(),
        firstBlock.purpose(),
        firstBlock.expectedHost(),
        firstBlock.presented(),
        firstBlock.path(),
        firstBlock.steps(),
        Optional.of(moved),
        firstBlock.receivedAlert(),
        firstBlock.causes(),
        firstBlock.remarks());
  }

  /**
   * The host name check alone, whatever the chain's trust: a mismatch fails every client, so it is
   * reported even when path building fails first.
   */
  public static Step hostName(X509Certificate leaf, String host) {
    PathNode node = new PathNode(leaf, CertificateRef.presented(0, leaf), false);
    Outcome outcome = HostNameCheck.check(node, host, new ArrayList<>());
    return new Step(
        1,
        Optional.of(node.ref()),
        Step.Check.HOST_NAME,
        outcome.passed() ? Step.Verdict.PASS : Step.Verdict.FAIL,
        outcome.passed()
            ? outcome.detail()
            : outcome.detail()
                + " "
                + outcome.fix()
                + " (OpenSSL error "
                + outcome.openssl()
                + ")");
  }
}
