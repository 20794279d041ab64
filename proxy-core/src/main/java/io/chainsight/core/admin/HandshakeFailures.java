package io.chainsight.core.admin;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The recent failed handshakes kept by the diagnostics, as the admin endpoint reads them. The
 * diagnostics implement it over their ring of recent failures; the views carry the diagnosis
 * already rendered, so this package does not depend on the diagnosis classes.
 */
public interface HandshakeFailures {
  /** The recent failures, newest first. */
  List<FailureView> recent();

  /** One failure by the id printed in its log line. */
  Optional<FailureView> byId(String id);

  /**
   * One failure.
   *
   * @param id the id printed in the log line
   * @param hop {@code listener} (a client's handshake) or {@code backend} (the proxy's, with an
   *     https backend)
   * @param peer the other end, as logged: the client's address and port on the listener (e.g.
   *     {@code 10.0.0.5:51234}), the backend and the routes using it on the backend hop
   * @param reason the diagnostics reason code (e.g. {@code ISSUER_NOT_FOUND})
   * @param json the full diagnosis as one JSON object
   * @param text the full diagnosis as readable text
   */
  record FailureView(
      String id, Instant time, String hop, String peer, String reason, String json, String text) {
    public FailureView {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(hop, "hop");
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(text, "text");
    }
  }

  /** Keeps nothing: what the proxy passes until the diagnostics keep their recent failures. */
  HandshakeFailures NONE =
      new HandshakeFailures() {
        @Override
        public List<FailureView> recent() {
          return List.of();
        }

        @Override
        public Optional<FailureView> byId(String id) {
          return Optional.empty();
        }
      };
}
