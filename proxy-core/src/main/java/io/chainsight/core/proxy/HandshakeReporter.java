package io.chainsight.core.proxy;

import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.Durations;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ClientRejection;
import io.chainsight.core.diagnose.ReasonCode;
import io.chainsight.core.diagnose.TlsAlert;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.report.HandshakeFailure;
import io.chainsight.core.tls.ClientChainRejectedException;
import io.chainsight.core.tls.DeferredRejections;
import io.chainsight.core.tls.ServerTlsContext;
import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Turns how a handshake ended into a report: what the TLS stack said (an exception, an alert from
 * the client, a timeout, bytes that were not TLS) becomes a {@link ChainDiagnosis} with its reason
 * code, which the {@link FailureReporter} logs, counts and keeps. Each connection is reported at
 * most once.
 */
final class HandshakeReporter {
  /** The server name the client asked for in its ClientHello (null when it sent none). */
  static final AttributeKey<String> SERVER_NAME = AttributeKey.valueOf("chainsight.sni");

  /**
   * Under tls.client-auth-failure = http: the failure every request on this connection is answered
   * with.
   */
  static final AttributeKey<HandshakeFailure> REJECTED =
      AttributeKey.valueOf("chainsight.rejected");

  /** What the client offered in its ClientHello, when it could be read. */
  static final AttributeKey<ClientHelloOffer> OFFER = AttributeKey.valueOf("chainsight.offer");

  /**
   * The description byte of the last plaintext fatal alert the server sent during the handshake.
   */
  static final AttributeKey<Integer> SERVER_ALERT = AttributeKey.valueOf("chainsight.server-alert");

  /** Set once the server has written anything on this connection. */
  static final AttributeKey<Boolean> SERVER_WROTE = AttributeKey.valueOf("chainsight.server-wrote");

  /** BoringSSL's reason in an error it raised itself: {@code ...:OPENSSL_internal:DECODE_ERROR}. */
  private static final Pattern LIBRARY_REASON =
      Pattern.compile("error:[0-9a-fA-F]+:SSL routines:[A-Za-z_]+:([A-Z0-9_]+)");

  private static final AttributeKey<Boolean> REPORTED = AttributeKey.valueOf("chainsight.reported");

  private final ProxyMetrics metrics;
  private final FailureReporter failures;
  private final Supplier<TlsMaterial> served;
  private final DeferredRejections deferred;
  private final Supplier<TlsSettings> tls;

  /**
   * @param served the material being served now
   * @param tls the listener's settings now (a reload changes them): named in timeout and protocol
   *     diagnoses
   */
  HandshakeReporter(
      ProxyMetrics metrics,
      FailureReporter failures,
      Supplier<TlsMaterial> served,
      DeferredRejections deferred,
      Supplier<TlsSettings> tls) {
    this.metrics = metrics;
    this.failures = failures;
    this.served = served;
    this.deferred = deferred;
    this.tls = tls;
  }

  void succeeded(Channel channel, SSLEngine engine) {
    Optional<ClientChainRejectedException> rejected = deferred.take(engine);
    if (rejected.isEmpty()) {
      metrics.handshakeSucceeded();
      return;
    }
    ClientChainRejectedException rejection = rejected.get();
    channel
        .attr(REJECTED)
        .set(report(channel, rejection.protocol(), rejection.cipher(), rejection.diagnosis()));
  }

  void failed(Channel channel, SSLEngine engine, Throwable cause) {
    ClientChainRejectedException rejection = find(cause, ClientChainRejectedException.class);
    if (rejection != null) {
      report(channel, rejection.protocol(), rejection.cipher(), rejection.diagnosis());
      return;
    }
    Optional<String> protocol = negotiated(engine);
    report(channel, protocol, Optional.empty(), classify(channel, cause, protocol));
  }

  void plaintextHttp(Channel channel, String preview) {
    String requestLine = preview.lines().findFirst().orElse("").trim();
    report(
        channel,
        Optional.empty(),
        Optional.empty(),
        ChainDiagnosis.of(
            Instant.now(),
            List.of(),
            ReasonCode.PLAINTEXT_HTTP_ON_TLS_PORT,
            "the client sent a plain HTTP request (\""
                + requestLine
                + "\") to the TLS port; it was answered with "
                + "400 saying to use https",
            "use https:// in the client's URL; for a Keylime agent set registrar_tls_enabled = true (push model) or "
                + "point registrar_port at the registrar's own plain port, not at this proxy"));
  }

  void notTls(Channel channel, int firstByte) {
    report(
        channel,
        Optional.empty(),
        Optional.empty(),
        ChainDiagnosis.of(
            Instant.now(),
            List.of(),
            ReasonCode.NOT_TLS,
            "the first byte the client sent was 0x"
                + String.format("%02x", firstByte)
                + ", not a TLS handshake "
                + "record (0x16) nor an HTTP method",
            "check what connects to this port: a health check or scanner speaking another protocol, or a client "
                + "configured for a different service"));
  }

  /**
   * A client record refused before it reached the TLS stack ({@link HandshakeRecordGuard}),
   * answered with {@code sent}.
   */
  void refusedRecord(
      Channel channel, ReasonCode reason, TlsAlert sent, String explanation, String fix) {
    report(
        channel,
        Optional.empty(),
        Optional.empty(),
        ChainDiagnosis.of(
            Instant.now(),
            List.of(),
            reason,
            explanation + "; this proxy answered with the fatal alert " + sent + " and closed",
            fix,
            Optional.of(sent)));
  }

  /** Why the largest handshake message accepted from a client is what it is, in this mode. */
  String messageLimitReason() {
    return tls.get().clientAuth() == TlsSettings.ClientAuth.NONE
        ? "BoringSSL's fixed limit when no client certificate is asked for, tls.client-auth = none"
        : "room for a client's certificate chain, as tls.client-auth = "
            + tls.get().clientAuth().name().toLowerCase(Locale.ROOT)
            + " asks for one";
  }

  private HandshakeFailure report(
      Channel channel,
      Optional<String> protocol,
      Optional<String> cipher,
      ChainDiagnosis diagnosis) {
    channel.attr(REPORTED).set(Boolean.TRUE);
    return failures.report(
        (InetSocketAddress) channel.remoteAddress(),
        Optional.ofNullable(channel.attr(SERVER_NAME).get()),
        protocol,
        cipher,
        diagnosis);
  }

  /**
   * True when this connection's failure was reported already (a handshake fails once, but says so
   * twice).
   */
  boolean reported(Channel channel) {
    return Boolean.TRUE.equals(channel.attr(REPORTED).get());
  }

  private ChainDiagnosis classify(Channel channel, Throwable cause, Optional<String> protocol) {
    Instant now = Instant.now();
    String message = messages(cause);
    if (find(cause, SslHandshakeTimeoutException.class) != null) {
      return ChainDiagnosis.of(
          now,
          List.of(),
          ReasonCode.HANDSHAKE_TIMEOUT,
          "the client did not complete the TLS handshake within "
              + Durations.human(tls.get().handshakeTimeout())
              + " (tls.handshake-timeout)",
          "check that the client speaks TLS to this port and that nothing between them holds the connection; "
              + "a very slow link may need a larger tls.handshake-timeout");
    }
    if (message.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
        || message.contains("CERTIFICATE_REQUIRED")) {
      return ChainDiagnosis.of(
          now,
          List.of(),
          ReasonCode.NO_CLIENT_CERTIFICATE,
          "the client sent no certificate, but tls.client-auth = require",
          "give the client its certificate and key (curl: --cert agent-cert.pem --key agent-key.pem); stock "
              + "rust-keylime releases send none to the registrar: use tls.client-auth = optional for them");
    }
    Optional<TlsAlert> alert =
        TlsAlert.fromMessage(message)
            .or(
                () ->
                    Optional.ofNullable(channel.attr(ClientAlertSniffer.CLIENT_ALERT).get())
                        .flatMap(code -> TlsAlert.parse(String.valueOf(code))));
    if (alert.isPresent()) {
      return fromAlert(channel, alert.get(), protocol, now);
    }
    Matcher library = LIBRARY_REASON.matcher(message);
    Optional<TlsAlert> sent =
        Optional.ofNullable(channel.attr(SERVER_ALERT).get())
            .flatMap(code -> TlsAlert.parse(String.valueOf(code)));
    if (library.find()) {
      return refusedByLibrary(channel, library.group(1), sent, now);
    }
    if (find(cause, NotSslRecordException.class) != null) {
      return ChainDiagnosis.of(
          now,
          List.of(),
          ReasonCode.NOT_TLS,
          "the client's bytes are not a TLS record (" + cause.getMessage() + ")",
          "check what connects to this port and that it uses TLS");
    }
    if (sent.isPresent()) {
      return refusedByLibrary(channel, String.valueOf(cause.getMessage()), sent, now);
    }
    String how =
        find(cause, ClosedChannelException.class) != null
            ? "closed the connection"
            : find(cause, IOException.class) != null && find(cause, SSLException.class) == null
                ? "reset the connection (" + cause.getMessage() + ")"
                : "ended the handshake (" + message + ")";
    return ChainDiagnosis.of(
        now,
        List.of(),
        ReasonCode.PEER_CLOSED_DURING_HANDSHAKE,
        "the client " + how + " before the handshake finished, without sending an alert",
        "a client that gives up silently often failed verification without telling (some TLS stacks do not "
            + "send alerts) or timed out: run `chainsight probe https://HOST:PORT --ca CA.pem` from the client's "
            + "host, and check its own log");
  }

  private ChainDiagnosis fromAlert(
      Channel channel, TlsAlert alert, Optional<String> protocol, Instant now) {
    switch (alert) {
      case PROTOCOL_VERSION:
        return protocolMismatch(channel, Optional.empty(), now);
      case HANDSHAKE_FAILURE:
      case INSUFFICIENT_SECURITY:
        return noSharedCipher(channel, Optional.empty(), now);
      default:
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        return ClientRejection.explain(
            alert,
            served.get().chain(),
            now,
            Optional.ofNullable(channel.attr(SERVER_NAME).get()),
            Optional.of(local.getAddress().getHostAddress()));
    }
  }

  /**
   * A handshake BoringSSL refused itself ({@code reason} is its error name), answered with {@code
   * sent} when the alert went out in the clear.
   */
  private ChainDiagnosis refusedByLibrary(
      Channel channel, String reason, Optional<TlsAlert> sent, Instant now) {
    switch (reason) {
      case "NO_SHARED_CIPHER":
      case "NO_CIPHERS_AVAILABLE":
      case "NO_SHARED_GROUP":
      case "WRONG_CURVE":
      case "NO_COMMON_SIGNATURE_ALGORITHMS":
        return noSharedCipher(channel, sent, now);
      case "UNSUPPORTED_PROTOCOL":
      case "WRONG_VERSION_NUMBER":
        return protocolMismatch(channel, sent, now);
      case "EXCESSIVE_MESSAGE_SIZE":
        int limit = ServerTlsContext.maxClientHandshakeMessage(tls.get().clientAuth());
        return ChainDiagnosis.of(
            now,
            List.of(),
            ReasonCode.HANDSHAKE_MESSAGE_TOO_LARGE,
            String.format(
                "a handshake message from the client (its certificate chain, or its ClientHello) is "
                    + "over the %,d bytes the TLS stack accepts (%s); BoringSSL refused it "
                    + "(EXCESSIVE_MESSAGE_SIZE) and answered with %s",
                limit, messageLimitReason(), alertName(sent, TlsAlert.ILLEGAL_PARAMETER)),
            "send a shorter certificate chain (leaf and intermediates; the root is not needed), or check what "
                + "the client adds to its ClientHello",
            Optional.of(sent.orElse(TlsAlert.ILLEGAL_PARAMETER)));
      default:
        return ChainDiagnosis.of(
            now,
            List.of(),
            ReasonCode.MALFORMED_HANDSHAKE,
            "BoringSSL refused the client's handshake ("
                + reason.trim()
                + ") and "
                + (sent.isEmpty() && !Boolean.TRUE.equals(channel.attr(SERVER_WROTE).get())
                    ? "closed the connection without sending anything"
                    : "answered with " + alertName(sent, null)),
            "the client's TLS stack sent something the protocol does not allow: check its library and "
                + "version; `openssl s_client -connect HOST:PORT -msg` from its host shows the exchange",
            sent);
    }
  }

  /** {@code the fatal alert decode_error (50)}, or what is known when the alert was encrypted. */
  private static String alertName(Optional<TlsAlert> sent, TlsAlert expected) {
    if (sent.isPresent()) {
      return "the fatal alert " + sent.get();
    }
    return expected == null
        ? "a fatal alert (encrypted, so not readable here)"
        : "the fatal alert " + expected + " (encrypted)";
  }

  private ChainDiagnosis protocolMismatch(Channel channel, Optional<TlsAlert> sent, Instant now) {
    ClientHelloOffer offer = channel.attr(OFFER).get();
    return ChainDiagnosis.of(
        now,
        List.of(),
        ReasonCode.PROTOCOL_MISMATCH,
        "the client and this proxy share no TLS version: "
            + (offer == null ? "" : "the client offered " + offer.versionNames() + ", ")
            + "this proxy accepts "
            + String.join(", ", tls.get().protocols())
            + " (tls.protocols)"
            + sent.map(a -> "; it answered with the fatal alert " + a).orElse(""),
        "upgrade the client to TLS 1.2 or 1.3; older versions are insecure and refused on purpose",
        sent.or(ReasonCode.PROTOCOL_MISMATCH::alert));
  }

  private ChainDiagnosis noSharedCipher(Channel channel, Optional<TlsAlert> sent, Instant now) {
    ClientHelloOffer offer = channel.attr(OFFER).get();
    String offered =
        offer == null
            ? ""
            : ": the client offered the groups "
                + offer.groupNames()
                + " and the cipher suites "
                + offer.cipherNames()
                + "; this proxy accepts the groups "
                + String.join(", ", ServerTlsContext.GROUPS)
                + " and the cipher suites "
                + String.join(", ", ServerTlsContext.TLS12_CIPHERS);
    return ChainDiagnosis.of(
        now,
        List.of(),
        ReasonCode.NO_SHARED_CIPHER,
        "the client and this proxy share no cipher suite, key-exchange group or signature algorithm"
            + offered
            + sent.map(a -> "; it answered with the fatal alert " + a).orElse(""),
        "let the client offer X25519 or P-256 with AES-GCM or ChaCha20-Poly1305 (ECDHE in TLS 1.2, or any "
            + "TLS 1.3 suite); check its offer with `openssl s_client -connect HOST:PORT -msg`",
        sent.or(ReasonCode.NO_SHARED_CIPHER::alert));
  }

  private static Optional<String> negotiated(SSLEngine engine) {
    if (engine == null) {
      return Optional.empty();
    }
    try {
      SSLSession session =
          engine.getHandshakeSession() != null ? engine.getHandshakeSession() : engine.getSession();
      String protocol = session.getProtocol();
      boolean unknown = protocol == null || protocol.isBlank() || protocol.equals("NONE");
      return unknown ? Optional.empty() : Optional.of(protocol);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Every message down the cause chain, for matching an alert or a library reason in any of them.
   */
  static String messages(Throwable cause) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = cause; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }

  /** The first exception of {@code type} down the cause chain, or null. */
  static <T extends Throwable> T find(Throwable cause, Class<T> type) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
