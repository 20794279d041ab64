package io.chainsight.core.proxy;

import static io.chainsight.core.proxy.HandshakeReporter.find;
import static io.chainsight.core.proxy.HandshakeReporter.messages;

import io.chainsight.core.config.Durations;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ReasonCode;
import io.chainsight.core.diagnose.ServerRejection;
import io.chainsight.core.diagnose.TlsAlert;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.report.HandshakeFailure;
import io.chainsight.core.tls.BackendChainVerifier;
import io.chainsight.core.tls.BackendTlsContext;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The backend hop's handshakes, reported like the listener's: how a TLS handshake with an https
 * backend ended (our check of its certificate, its alert about ours, a timeout, bytes that were not
 * TLS) becomes a {@link ChainDiagnosis} with its reason code, which the {@link FailureReporter}
 * logs, counts (label {@code hop="backend"}) and keeps for {@code /debug/handshakes}. The diagnosis
 * comes from the engine ({@link ServerRejection} for the backend's alerts, {@link
 * BackendChainVerifier} for its certificate); this class only picks which and renders the 502.
 */
final class BackendHandshakeReporter {
  private final FailureReporter failures;
  private final ProxyMetrics metrics;

  BackendHandshakeReporter(FailureReporter failures, ProxyMetrics metrics) {
    this.failures = failures;
    this.metrics = metrics;
  }

  /** The backend accepted the handshake (it sent application data, or stayed silent after it). */
  void succeeded() {
    metrics.handshakeSucceeded(ProxyMetrics.BACKEND);
  }

  /**
   * Whether {@code cause} ended (or, in TLS 1.3, answered) the TLS handshake with an https backend,
   * rather than the TCP connection or a later exchange.
   */
  static boolean isHandshakeFailure(BackendTarget target, Throwable cause) {
    if (target.tls().isEmpty() || cause == null) {
      return false;
    }
    if (find(cause, BackendPool.HandshakeFailed.class) != null
        || find(cause, BackendChainVerifier.BackendChainRejectedException.class) != null
        || find(cause, SslHandshakeTimeoutException.class) != null
        || find(cause, NotSslRecordException.class) != null) {
      return true;
    }
    // A server rejecting our client certificate in TLS 1.3 does so after our side of the handshake
    // completed: its alert arrives on the first read of the exchange. An error without an alert on
    // an established connection is not the handshake's.
    return find(cause, SSLException.class) != null
        && TlsAlert.fromMessage(messages(cause))
            .filter(a -> a != TlsAlert.CLOSE_NOTIFY)
            .isPresent();
  }

  /**
   * Reports a failed handshake with {@code target}; returns it with its id.
   *
   * @param peer the connection's remote address; null when the connection never got one
   */
  HandshakeFailure failed(BackendTarget target, InetSocketAddress peer, Throwable cause) {
    ChainDiagnosis diagnosis = classify(target, cause, Instant.now());
    BackendPool.HandshakeFailed handshake = find(cause, BackendPool.HandshakeFailed.class);
    InetSocketAddress address = peer != null ? peer : handshake != null ? handshake.peer() : null;
    return failures.reportBackend(
        address != null ? address : new InetSocketAddress(target.host(), target.port()),
        name(target),
        Optional.of(target.serverName()),
        Optional.empty(),
        diagnosis);
  }

  /**
   * Reports a failed handshake already diagnosed (by the readiness check); returns it with its id.
   */
  HandshakeFailure report(BackendTarget target, InetSocketAddress peer, ChainDiagnosis diagnosis) {
    return failures.reportBackend(
        peer != null ? peer : new InetSocketAddress(target.host(), target.port()),
        name(target),
        Optional.of(target.serverName()),
        Optional.empty(),
        diagnosis);
  }

  /**
   * The 502 a client gets: one sentence naming the backend, the reason and the failure id; the
   * evidence and the fix are in the log event and at {@code /debug/handshakes/{id}}.
   */
  String badGateway(BackendTarget target, HandshakeFailure failure) {
    String explanation = failure.diagnosis().failure().orElseThrow().explanation().strip();
    if (explanation.endsWith(".")) {
      explanation = explanation.substring(0, explanation.length() - 1);
    }
    String logged = failures.loggedAs(failure);
    return "Bad Gateway: the TLS handshake with backend "
        + target.address()
        + " failed with "
        + failure.reason()
        + ": "
        + explanation
        + "; failure id "
        + failure.id()
        + (logged.equals(failure.id())
            ? " in the proxy's log and at /debug/handshakes/"
                + failure.id()
                + " on its admin endpoint"
            : " at /debug/handshakes/"
                + failure.id()
                + " on the proxy's admin endpoint; its log has the same failure as ["
                + logged
                + "]");
  }

  /** {@code https://127.0.0.1:8891 (routes[1].tls)}. */
  static String name(BackendTarget target) {
    return target.address() + target.tlsSetting().map(s -> " (" + s + ")").orElse("");
  }

  static ChainDiagnosis classify(BackendTarget target, Throwable cause, Instant now) {
    BackendChainVerifier.BackendChainRejectedException ours =
        find(cause, BackendChainVerifier.BackendChainRejectedException.class);
    if (ours != null) {
      return ours.diagnosis();
    }
    String where = target.tlsSetting().orElse("the route's tls");
    if (find(cause, SslHandshakeTimeoutException.class) != null) {
      return ChainDiagnosis.of(
          now,
          List.of(),
          ReasonCode.HANDSHAKE_TIMEOUT,
          "the backend "
              + target.address()
              + " did not complete the TLS handshake within "
              + Durations.human(target.connectTimeout())
              + " (the route's connect-timeout)",
          "check that "
              + target.address()
              + " is the backend's TLS port and that nothing between holds the connection");
    }
    String message = messages(cause);
    Optional<TlsAlert> alert = TlsAlert.fromMessage(message);
    if (alert.isPresent()) {
      return ServerRejection.explain(
          alert.get(),
          target.clientChain(),
          now,
          new ServerRejection.Backend(
              target.address(),
              where + ".certificate-chain",
              String.join(", ", BackendTlsContext.PROTOCOLS)));
    }
    if (find(cause, NotSslRecordException.class) != null
        || message.contains("WRONG_VERSION_NUMBER")
        || message.contains("HTTP_REQUEST")) {
      return ChainDiagnosis.of(
          now,
          List.of(),
          ReasonCode.NOT_TLS,
          "the backend "
              + target.address()
              + " answered the TLS ClientHello with bytes that are not TLS: that port most likely speaks "
              + "plain HTTP",
          "use http:// in the route's backend URL for a plain port, or the backend's TLS port (the Keylime "
              + "registrar's is 8891, its plain port 8890)");
    }
    if (message.contains("UNSUPPORTED_PROTOCOL") || message.contains("TLSV1_ALERT_PROTOCOL")) {
      return ChainDiagnosis.of(
          now,
          List.of(),
          ReasonCode.PROTOCOL_MISMATCH,
          "the backend "
              + target.address()
              + " and this proxy share no TLS version (the proxy offers "
              + String.join(", ", BackendTlsContext.PROTOCOLS)
              + ")",
          "enable TLS 1.2 or 1.3 on the backend");
    }
    if (message.contains("NO_SHARED_CIPHER")
        || message.contains("NO_CIPHERS_AVAILABLE")
        || message.contains("NO_COMMON_SIGNATURE_ALGORITHMS")) {
      return ChainDiagnosis.of(
          now,
          List.of(),
          ReasonCode.NO_SHARED_CIPHER,
          "the backend "
              + target.address()
              + " and this proxy share no cipher suite, group or signature algorithm",
          "let the backend accept ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.2) or any TLS 1.3 "
              + "suite");
    }
    String how =
        find(cause, ClosedChannelException.class) != null
            ? "closed the connection"
            : "ended the connection (" + firstLine(cause) + ")";
    return ChainDiagnosis.of(
        now,
        target.clientChain(),
        ReasonCode.PEER_CLOSED_DURING_HANDSHAKE,
        "the backend "
            + target.address()
            + " "
            + how
            + " during the TLS handshake, without sending an alert",
        "read the backend's log; `chainsight probe https://"
            + target.host()
            + ":"
            + target.port()
            + " --ca CA.pem"
            + (target.clientChain().isEmpty() ? "" : " --cert CERT.pem --key KEY.pem")
            + "` shows its verdict on our certificate");
  }

  /** The innermost message, without the library's class name. */
  private static String firstLine(Throwable cause) {
    Throwable innermost = cause;
    while (innermost.getCause() != null && innermost.getCause() != innermost) {
      innermost = innermost.getCause();
    }
    String message = innermost.getMessage();
    return message == null ? "no message" : message.lines().findFirst().orElse("");
  }
}
