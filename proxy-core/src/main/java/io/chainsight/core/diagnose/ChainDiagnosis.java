package io.chainsight.core.diagnose;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The result of analysing a chain: the steps of path building in order, the first failure (if any)
 * and remarks that are not failures (certificates out of order, superfluous, expiring soon).
 * Immutable; the log, the admin endpoint and the CLI render this same value.
 *
 * @param checkedAt the time the chain was checked against
 * @param purpose what the leaf had to be good for; empty for failures that never reached the
 *     certificates
 * @param expectedHost the host name or IP the leaf had to match, when one was given
 * @param presented the chain as the peer sent it, in order
 * @param path the certificates of the path from the leaf up, as far as building got (trust anchors
 *     included)
 * @param steps the checks that ran, in order; analysis stops at the first failing one
 * @param failure the first failure; empty when the chain verified
 * @param receivedAlert for {@code CLIENT_REJECTED_OUR_CHAIN}: the alert the client sent
 * @param causes for {@code CLIENT_REJECTED_OUR_CHAIN}: what the alert can mean, most likely first
 * @param remarks observations that are not failures
 */
public record ChainDiagnosis(
    Instant checkedAt,
    Optional<Purpose> purpose,
    Optional<String> expectedHost,
    List<CertificateRef> presented,
    List<CertificateRef> path,
    List<Step> steps,
    Optional<Failure> failure,
    Optional<TlsAlert> receivedAlert,
    List<Cause> causes,
    List<String> remarks) {

  public ChainDiagnosis {
    Objects.requireNonNull(checkedAt, "checkedAt");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(expectedHost, "expectedHost");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(receivedAlert, "receivedAlert");
    presented = List.copyOf(presented);
    path = List.copyOf(path);
    steps = List.copyOf(steps);
    causes =
        causes.stream()
            .sorted(Comparator.comparing(Cause::likelihood))
            .collect(Collectors.toUnmodifiableList());
    remarks = List.copyOf(remarks);
  }

  /**
   * A failure that is not about certificates (plain HTTP on the TLS port, a timeout, access denied
   * after a valid chain): the same value type, so the log and the recent-failures list hold one
   * kind of thing.
   */
  public static ChainDiagnosis of(
      Instant at,
      List<X509Certificate> presented,
      ReasonCode reason,
      String explanation,
      String fix) {
    return of(at, presented, reason, explanation, fix, reason.alert());
  }

  /**
   * As {@link #of(Instant, List, ReasonCode, String, String)}, for a failure this side answered
   * with {@code alertSent} (when known), whatever the reason's usual alert.
   */
  public static ChainDiagnosis of(
      Instant at,
      List<X509Certificate> presented,
      ReasonCode reason,
      String explanation,
      String fix,
      Optional<TlsAlert> alertSent) {
    List<CertificateRef> refs = new ArrayList<>();
    for (int i = 0; i < presented.size(); i++) {
      refs.add(CertificateRef.presented(i, presented.get(i)));
    }
    Failure failure =
        new Failure(
            reason,
            OptionalInt.empty(),
            refs.isEmpty() ? Optional.empty() : Optional.of(refs.get(0)),
            explanation,
            fix,
            reason.openssl(),
            alertSent);
    return new ChainDiagnosis(
        at,
        Optional.empty(),
        Optional.empty(),
        refs,
        List.of(),
        List.of(),
        Optional.of(failure),
        Optional.empty(),
        List.of(),
        List.of());
  }

  public boolean valid() {
    return failure.isEmpty();
  }

  public Optional<ReasonCode> reason() {
    return failure.map(Failure::reason);
  }

  /** The step that failed, when the failure is tied to one. */
  public Optional<Step> failingStep() {
    return failure.flatMap(
        f ->
            f.step().isPresent()
                ? steps.stream().filter(s -> s.number() == f.step().getAsInt()).findFirst()
                : Optional.empty());
  }

  /**
   * One line for a log summary: {@code CN=agent-1 <- CN=Int | CN=Int <- CN=Root} (subject, then its
   * issuer).
   */
  public String presentedSummary() {
    if (presented.isEmpty()) {
      return "(no certificate)";
    }
    return presented.stream()
        .map(c -> c.subject() + " <- " + c.issuer())
        .collect(Collectors.joining(" | "));
  }

  /**
   * SHA-256 over the fingerprints of the presented certificates, in order: equal for equal chains,
   * so identical failures can be deduplicated. {@code "none"} for an empty chain.
   */
  public String presentedFingerprint() {
    if (presented.isEmpty()) {
      return "none";
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (CertificateRef ref : presented) {
        digest.update(HexFormat.of().parseHex(ref.sha256()));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * One line: {@code ISSUER_NOT_FOUND at step 9 (presented[0] CN=agent-1): ... Fix: ... OpenSSL: 20
   * "..."}, or {@code valid}.
   */
  public String summary() {
    if (failure.isEmpty()) {
      return "valid";
    }
    Failure f = failure.get();
    StringBuilder line = new StringBuilder(f.reason().name());
    receivedAlert.ifPresent(a -> line.append(" (alert ").append(a).append(')'));
    if (f.step().isPresent()) {
      line.append(" at step ").append(f.step().getAsInt());
    }
    f.certificate().ifPresent(c -> line.append(" (").append(c.shortName()).append(')'));
    line.append(": ").append(f.explanation()).append(" Fix: ").append(f.fix());
    f.openssl().ifPresent(o -> line.append(" OpenSSL: ").append(o));
    return line.toString();
  }
}
