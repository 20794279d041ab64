package io.chainsight.core.diagnose;

import static io.chainsight.core.testing.Golden.assertMatches;

import io.chainsight.core.testing.Golden;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The diagnosis JSON ({@code /debug/handshakes}, {@code diagnose --json}, {@code probe --json}) is
 * a documented contract: field names, types, order and the one-line layout stay as recorded.
 */
class DiagnosisJsonWireFormatTest {
  private static final Instant AT = Instant.parse("2027-06-01T12:00:00Z");
  private final List<X509Certificate> agent = Golden.certificates("agent-cert.pem").subList(0, 1);
  private final List<X509Certificate> intermediate = Golden.certificates("intermediate-ca.pem");
  private final ChainAnalyzer analyzer =
      ChainAnalyzer.builder().trustAnchors(Golden.certificates("root-ca.pem")).build();

  @Test
  void aChainWithoutItsIntermediateRendersAsRecorded() {
    assertMatches(
        "diagnosis-issuer-not-found.json", DiagnosisJson.render(analyzer.analyze(agent, AT)));
  }

  @Test
  void aValidChainRendersAsRecorded() {
    List<X509Certificate> chain = new ArrayList<>(agent);
    chain.addAll(intermediate);

    assertMatches("diagnosis-valid.json", DiagnosisJson.render(analyzer.analyze(chain, AT)));
  }

  @Test
  void anExpiredLeafRendersAsRecorded() {
    List<X509Certificate> chain = new ArrayList<>(agent);
    chain.addAll(intermediate);

    assertMatches(
        "diagnosis-expired.json",
        DiagnosisJson.render(analyzer.analyze(chain, Instant.parse("2029-06-01T00:00:00Z"))));
  }
}
