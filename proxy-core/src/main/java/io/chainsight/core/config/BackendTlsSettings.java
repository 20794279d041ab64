package io.chainsight.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code routes[].tls}: TLS to an {@code https://} backend (the registrar's 8891). The proxy
 * verifies the backend's certificate against {@code trustedCas} for {@code serverName} and presents
 * its own client certificate, whose subject the registrar takes as the caller's identity.
 */
public record BackendTlsSettings(
    Optional<Path> certificateChain,
    Optional<Path> privateKey,
    Path trustedCas,
    Optional<String> serverName) {
  public BackendTlsSettings {
    if (certificateChain.isPresent() != privateKey.isPresent()) {
      throw new IllegalArgumentException(
          "routes[].tls: certificate-chain and private-key must be set together "
              + "(expected: both, for the proxy's client certificate, or neither)");
    }
  }
}
