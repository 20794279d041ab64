package io.chainsight.core.admin;

import io.chainsight.core.diagnose.DiagnosisJson;
import io.chainsight.core.diagnose.DiagnosisText;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.report.HandshakeFailure;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The failures the {@link FailureReporter} keeps ({@code diagnostics.recent}), as /debug/handshakes
 * shows them.
 */
public final class RecentHandshakeFailures implements HandshakeFailures {
  private final FailureReporter reporter;

  public RecentHandshakeFailures(FailureReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public List<FailureView> recent() {
    return reporter.recent().stream()
        .map(RecentHandshakeFailures::view)
        .collect(Collectors.toList());
  }

  @Override
  public Optional<FailureView> byId(String id) {
    return reporter.byId(id).map(RecentHandshakeFailures::view);
  }

  private static FailureView view(HandshakeFailure failure) {
    return new FailureView(
        failure.id(),
        failure.time(),
        failure.hop().label(),
        failure.backend().orElse(failure.peerText()),
        failure.reason().name(),
        DiagnosisJson.render(failure.diagnosis()),
        DiagnosisText.render(failure.diagnosis()));
  }
}
