package io.chainsight.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code chainsight.tls}: where the credentials come from (chain, key, trust, CRLs) and the
 * handshake policy. Paths are absolute by the time they get here.
 */
public record TlsSettings(
    Path certificateChain,
    Path privateKey,
    ClientAuth clientAuth,
    Optional<Path> trustedCas,
    List<Path> crls,
    List<String> protocols,
    Duration handshakeTimeout,
    ClientAuthFailure clientAuthFailure,
    Duration sessionTicketRotation) {

  /** Whether a client certificate is asked for, and whether it is required. */
  public enum ClientAuth {
    REQUIRE,
    OPTIONAL,
    NONE
  }

  /**
   * What a client whose certificate fails verification gets: a TLS alert, or a completed handshake
   * and 401/403.
   */
  public enum ClientAuthFailure {
    ALERT,
    HTTP
  }

  public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** {@code tls.session-ticket-rotation}'s default in reference.conf. */
  public static final Duration DEFAULT_SESSION_TICKET_ROTATION = Duration.ofHours(1);

  /** With {@code tls.session-ticket-rotation} at its default. */
  public TlsSettings(
      Path certificateChain,
      Path privateKey,
      ClientAuth clientAuth,
      Optional<Path> trustedCas,
      List<Path> crls,
      List<String> protocols,
      Duration handshakeTimeout,
      ClientAuthFailure clientAuthFailure) {
    this(
        certificateChain,
        privateKey,
        clientAuth,
        trustedCas,
        crls,
        protocols,
        handshakeTimeout,
        clientAuthFailure,
        DEFAULT_SESSION_TICKET_ROTATION);
  }

  public TlsSettings {
    Objects.requireNonNull(certificateChain, "tls.certificate-chain");
    Objects.requireNonNull(privateKey, "tls.private-key");
    Objects.requireNonNull(clientAuth, "tls.client-auth");
    Objects.requireNonNull(trustedCas, "tls.trusted-cas");
    Objects.requireNonNull(clientAuthFailure, "tls.client-auth-failure");
    crls = List.copyOf(crls);
    protocols = List.copyOf(protocols);
    if (clientAuth != ClientAuth.NONE && trustedCas.isEmpty()) {
      throw new IllegalArgumentException(
          "tls.trusted-cas: not set, but tls.client-auth = "
              + clientAuth.name().toLowerCase()
              + " (expected: a PEM bundle of the CAs that issue client "
              + "certificates, or tls.client-auth = none)");
    }
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException(
          "tls.protocols: [] (expected: one or more of " + SUPPORTED_PROTOCOLS + ")");
    }
    for (String protocol : protocols) {
      if (!SUPPORTED_PROTOCOLS.contains(protocol)) {
        throw new IllegalArgumentException(
            "tls.protocols: \""
                + protocol
                + "\" is not supported (expected: one or "
                + "more of "
                + SUPPORTED_PROTOCOLS
                + "; older versions are insecure)");
      }
    }
    Checks.positive("tls.handshake-timeout", handshakeTimeout);
    if (sessionTicketRotation == null || sessionTicketRotation.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "tls.session-ticket-rotation: "
              + (sessionTicketRotation == null ? "null" : Durations.human(sessionTicketRotation))
              + " (expected: at least 1s, e.g. 1h)");
    }
  }
}
