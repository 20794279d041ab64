package io.chainsight.core.diagnose;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Explains a certificate chain step by step: from the leaf up, each certificate's validity,
 * critical extensions, key strength and purpose; then its issuer (looked up trusted-first, by name
 * and key id, like OpenSSL), the signature, the issuer's CA constraints and revocation; until a
 * trust anchor ends the path. The first failing step gets a reason code, the evidence, a fix and
 * the OpenSSL error a C client reports.
 *
 * <p>Built once per set of trust material (the anchors are indexed), then {@link #analyze} is pure
 * and cheap: a few signature verifications per certificate. Immutable and thread-safe.
 *
 * <pre>{@code
 * ChainAnalyzer analyzer = ChainAnalyzer.builder()
 *     .trustAnchors(anchors).crls(crls).purpose(Purpose.CLIENT_AUTH).build();
 * ChainDiagnosis diagnosis = analyzer.analyze(presentedChain, Instant.now());
 * }</pre>
 */
public final class ChainAnalyzer {
  /** Certificates on a path, trust anchor included, beyond which it is {@code CHAIN_TOO_LONG}. */
  public static final int DEFAULT_MAX_CHAIN_LENGTH = 10;

  private final TrustAnchors anchors;
  private final RevocationCheck revocation;
  private final Purpose purpose;
  private final boolean partialChain;
  private final int maxChainLength;
  private final String trustStoreName;

  private ChainAnalyzer(Builder builder) {
    this.anchors = new TrustAnchors(builder.anchors);
    this.revocation = new RevocationCheck(builder.crls);
    this.purpose = builder.purpose;
    this.partialChain = builder.partialChain;
    this.maxChainLength = builder.maxChainLength;
    this.trustStoreName =
        builder.trustStoreName != null
            ? builder.trustStoreName
            : purpose == Purpose.CLIENT_AUTH
                ? "the trusted CAs (tls.trusted-cas)"
                : "the client's CA file";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Analyses the chain as presented (leaf first, in the order sent) at the given time. */
  public ChainDiagnosis analyze(List<X509Certificate> presented, Instant at) {
    return analyze(presented, at, Optional.empty());
  }

  /**
   * As {@link #analyze(List, Instant)}, and checks that the leaf names {@code expectedHost} (a DNS
   * name or an IP address literal) in its subjectAltName.
   */
  public ChainDiagnosis analyze(
      List<X509Certificate> presented, Instant at, Optional<String> expectedHost) {
    Objects.requireNonNull(presented, "presented");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(expectedHost, "expectedHost");
    return new PathWalk(this, presented, at, expectedHost).run();
  }

  public Purpose purpose() {
    return purpose;
  }

  public boolean partialChain() {
    return partialChain;
  }

  public int maxChainLength() {
    return maxChainLength;
  }

  public List<X509Certificate> trustAnchors() {
    return anchors.certificates();
  }

  /** How fixes name the trust store: {@code the trusted CAs (tls.trusted-cas)}, {@code ca.pem}. */
  String trustStoreName() {
    return trustStoreName;
  }

  TrustAnchors anchors() {
    return anchors;
  }

  RevocationCheck revocation() {
    return revocation;
  }

  /** Settings of an analyzer; each checked when set. */
  public static final class Builder {
    private List<X509Certificate> anchors = List.of();
    private List<X509CRL> crls = List.of();
    private Purpose purpose = Purpose.CLIENT_AUTH;
    private boolean partialChain;
    private int maxChainLength = DEFAULT_MAX_CHAIN_LENGTH;
    private String trustStoreName;

    private Builder() {}

    /** The certificates a path may end at. */
    public Builder trustAnchors(List<X509Certificate> anchors) {
      this.anchors = List.copyOf(anchors);
      return this;
    }

    /**
     * CRLs; when any are given, every certificate below the trust anchor needs a current CRL from
     * its issuer.
     */
    public Builder crls(List<X509CRL> crls) {
      this.crls = List.copyOf(crls);
      return this;
    }

    /** What the leaf must be good for (default: client authentication). */
    public Builder purpose(Purpose purpose) {
      this.purpose = Objects.requireNonNull(purpose, "purpose");
      return this;
    }

    /**
     * Whether a path may end at a trust anchor that is not self-signed (OpenSSL's
     * X509_V_FLAG_PARTIAL_CHAIN; curl sets it, the JDK behaves so). Default false: like openssl,
     * nginx and the Rust agent, a path must end at a trusted self-signed root, else OpenSSL error
     * 2.
     */
    public Builder partialChain(boolean partialChain) {
      this.partialChain = partialChain;
      return this;
    }

    public Builder maxChainLength(int maxChainLength) {
      if (maxChainLength < 1) {
        throw new IllegalArgumentException(
            "maxChainLength: " + maxChainLength + " (expected: >= 1)");
      }
      this.maxChainLength = maxChainLength;
      return this;
    }

    /** How fixes name the trust store, e.g. the file it was read from. */
    public Builder trustStoreName(String trustStoreName) {
      this.trustStoreName = Objects.requireNonNull(trustStoreName, "trustStoreName");
      return this;
    }

    public ChainAnalyzer build() {
      return new ChainAnalyzer(this);
    }
  }
}
