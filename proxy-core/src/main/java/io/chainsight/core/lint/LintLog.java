package io.chainsight.core.lint;

import io.chainsight.core.certs.TlsMaterial;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the lint of the served chain: problems at WARN, notes at INFO, passed checks at DEBUG. */
public final class LintLog {
  private static final Logger log = LoggerFactory.getLogger("io.chainsight.lint");

  private LintLog() {}

  /**
   * Lints the served chain now and logs it; call at startup and after each reload. Returns the
   * findings.
   */
  public static List<LintFinding> lintServedChain(TlsMaterial material, String listenHost) {
    List<LintFinding> findings =
        ChainLint.lint(
            material.chain(),
            material.privateKey(),
            listenHost,
            Instant.now(),
            material.trustAnchors());
    log(findings);
    return findings;
  }

  public static void log(List<LintFinding> findings) {
    for (LintFinding finding : findings) {
      switch (finding.level()) {
        case ERROR:
        case WARNING:
          log.warn("served chain {} {}: {}", finding.level(), finding.check(), finding.message());
          break;
        case INFO:
          log.info("served chain {}: {}", finding.check(), finding.message());
          break;
        default:
          log.debug("served chain ok {}: {}", finding.check(), finding.message());
      }
    }
  }
}
