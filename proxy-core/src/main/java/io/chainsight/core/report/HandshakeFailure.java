package io.chainsight.core.report;

import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ReasonCode;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One failed handshake (or a request refused for the client's identity) as reported: its id
 * (printed in the log, accepted by the admin endpoint), on which hop, with whom, when, over which
 * TLS version and cipher when they were negotiated, and the full diagnosis.
 *
 * @param peer the other end of the handshake: the client on the listener, the backend on the
 *     backend hop
 * @param backend on the backend hop, the backend as routes name it ({@code https://127.0.0.1:8891})
 *     and the routes that use it; empty on the listener
 */
public record HandshakeFailure(
    String id,
    Stage stage,
    Hop hop,
    Instant time,
    InetSocketAddress peer,
    Optional<String> serverName,
    Optional<String> protocol,
    Optional<String> cipher,
    Optional<String> backend,
    ChainDiagnosis diagnosis) {

  /**
   * Which handshake failed: a client's with the listener, or the proxy's own with an https backend
   * (where the proxy is the TLS client and presents its client certificate). A stable label value
   * ({@code hop="listener"}, {@code hop="backend"}) in metrics, logs and the admin endpoint.
   */
  public enum Hop {
    LISTENER,
    BACKEND;

    /** {@code listener}, {@code backend}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

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
    Objects.requireNonNull(hop, "hop");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(backend, "backend");
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
  public String peerText() {
    return peer.getAddress().getHostAddress() + ":" + peer.getPort();
  }

  /**
   * Failures with equal keys are the same failure repeated: same hop, peer address (and, towards a
   * backend, its port), reason, alert and chain.
   */
  String dedupKey() {
    return hop
        + "|"
        + (hop == Hop.BACKEND ? peerText() : peer.getAddress().getHostAddress())
        + "|"
        + reason()
        + "|"
        + diagnosis.receivedAlert().map(Enum::name).orElse("")
        + "|"
        + diagnosis.presentedFingerprint();
  }
}
