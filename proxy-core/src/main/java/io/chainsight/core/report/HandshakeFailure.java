package io.chainsight.core.report;

import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ReasonCode;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One failed handshake (or a request refused for the client's identity) as reported: its id
 * (printed in the log, accepted by the admin endpoint), who, when, over which TLS version and
 * cipher when they were negotiated, and the full diagnosis.
 */
public record HandshakeFailure(
    String id,
    Stage stage,
    Instant time,
    InetSocketAddress client,
    Optional<String> serverName,
    Optional<String> protocol,
    Optional<String> cipher,
    ChainDiagnosis diagnosis) {

  /**
   * Where the client was stopped: in the TLS handshake, or at a request after a completed handshake
   * (a route that needs a certificate the client did not send, access rules that do not name it).
   */
  public enum Stage {
    HANDSHAKE,
    REQUEST
  }

  public HandshakeFailure {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cipher, "cipher");
    if (diagnosis.failure().isEmpty()) {
      throw new IllegalArgumentException("diagnosis: valid (expected: a diagnosis with a failure)");
    }
  }

  public ReasonCode reason() {
    return diagnosis.failure().orElseThrow().reason();
  }

  /** {@code 10.0.0.5:51234}. */
  public String clientText() {
    return client.getAddress().getHostAddress() + ":" + client.getPort();
  }

  /**
   * Failures with equal keys are the same failure repeated: same client address, reason, alert and
   * chain.
   */
  String dedupKey() {
    return client.getAddress().getHostAddress()
        + "|"
        + reason()
        + "|"
        + diagnosis.receivedAlert().map(Enum::name).orElse("")
        + "|"
        + diagnosis.presentedFingerprint();
  }
}
