package io.chainsight.core.proxy;

import io.chainsight.core.access.AccessPolicy;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ReasonCode;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.report.HandshakeFailure;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a client connection's request is forwarded at all, decided before its exchange starts: a
 * client whose certificate was rejected (tls.client-auth-failure = http), a request {@link
 * RequestRules} refuses, one no route matches, and one the client's identity does not let it make
 * are refused; anything else is admitted to its route. Refusals are counted, and identity refusals
 * reported like a failed handshake, here; {@link FrontendHandler} answers them.
 *
 * <p>One per client connection, used from its event loop only: the identity cannot change, so each
 * route's access decision is made once.
 */
final class RequestAdmission {
  /** What {@link #admit} decided. */
  sealed interface Verdict permits Admitted, Refused {}

  /** Forward the request on {@code route}. */
  record Admitted(Router.Route route) implements Verdict {}

  /** Answer the request with {@code status} and {@code message}, and close. */
  record Refused(HttpResponseStatus status, String message) implements Verdict {}

  private final Router router;
  private final LimitsSettings limits;
  private final ProxyMetrics metrics;
  private final FailureReporter failures;
  private Map<Router.Route, AccessPolicy.Decision> decisions;

  RequestAdmission(
      Router router, LimitsSettings limits, ProxyMetrics metrics, FailureReporter failures) {
    this.router = router;
    this.limits = limits;
    this.metrics = metrics;
    this.failures = failures;
  }

  /** The verdict on {@code request} from {@code client}, which presented {@code identity}. */
  Verdict admit(HttpRequest request, Channel client, Optional<ClientIdentity> identity) {
    HandshakeFailure refused = client.attr(HandshakeReporter.REJECTED).get();
    if (refused != null) {
      // tls.client-auth-failure = http: the handshake completed so that the client's own log shows
      // why.
      return new Refused(
          HttpResponseStatus.UNAUTHORIZED,
          "Unauthorized: client certificate rejected: "
              + refused.reason()
              + " ("
              + refused.diagnosis().failure().orElseThrow().explanation()
              + "); failure id "
              + refused.id()
              + " in the proxy's log and at /debug/handshakes/"
              + refused.id()
              + " on its admin endpoint");
    }
    Optional<RequestRules.Rejection> rejection =
        RequestRules.check(request, limits.maxBodySize(), limits.maxHeaders());
    if (rejection.isPresent()) {
      return reject(rejection.get());
    }
    Optional<Router.Route> matched = router.match(request.method().name(), request.uri());
    if (matched.isEmpty()) {
      metrics.rejected("no-route");
      return new Refused(
          HttpResponseStatus.NOT_FOUND,
          "Not Found: no route for "
              + request.method()
              + " "
              + RequestRules.abbreviate(request.uri())
              + " (routes: "
              + router.describe()
              + ")");
    }
    Router.Route route = matched.get();
    if (identity.isEmpty() && route.clientAuth() == TlsSettings.ClientAuth.REQUIRE) {
      return refuse(
          client,
          identity,
          HttpResponseStatus.UNAUTHORIZED,
          ReasonCode.NO_CLIENT_CERTIFICATE,
          "the client sent no certificate, but " + route.name() + " requires one",
          "give the client its certificate and key (curl: --cert CERT --key KEY), or set client-auth = "
              + "optional on that route",
          "Unauthorized: NO_CLIENT_CERTIFICATE: "
              + what(request)
              + " needs a client certificate ("
              + route.name()
              + ")");
    }
    if (identity.isEmpty() && !route.access().allowsAny()) {
      // Access rules name certificates: on an optional route a client without one matches none of
      // them.
      return refuse(
          client,
          identity,
          HttpResponseStatus.UNAUTHORIZED,
          ReasonCode.NO_CLIENT_CERTIFICATE,
          "the client sent no certificate, and "
              + route.name()
              + " allows only clients its access rules name",
          "give the client a certificate one of the route's access.allow rules names",
          "Unauthorized: NO_CLIENT_CERTIFICATE: "
              + what(request)
              + " is for clients named by the access rules of "
              + route.name());
    }
    if (identity.isPresent() && !route.access().allowsAny()) {
      AccessPolicy.Decision decision = decision(route, identity.get());
      if (!decision.allowed()) {
        return refuse(
            client,
            identity,
            HttpResponseStatus.FORBIDDEN,
            ReasonCode.NOT_AUTHORIZED,
            decision.explanation() + " for " + what(request) + " (" + route.name() + ")",
            "add an access.allow rule for this client to "
                + route.name()
                + ", or use a certificate that one of "
                + "its rules names",
            "Forbidden: NOT_AUTHORIZED: "
                + decision.identity()
                + "; no access rule of "
                + route.name()
                + " matched");
      }
    }
    return new Admitted(route);
  }

  /** A request {@link RequestRules} refuses, counted under its cause. */
  private Refused reject(RequestRules.Rejection rejection) {
    metrics.rejected(rejection.cause());
    return new Refused(rejection.status(), rejection.message());
  }

  /**
   * The client's identity does not let it make this request: reported like a failed handshake
   * (logged, counted, kept for the admin endpoint), and answered with the failure id so both logs
   * can be matched.
   */
  private Refused refuse(
      Channel client,
      Optional<ClientIdentity> identity,
      HttpResponseStatus status,
      ReasonCode reason,
      String explanation,
      String fix,
      String message) {
    HandshakeFailure failure =
        failures.reportRefusal(
            (InetSocketAddress) client.remoteAddress(),
            Optional.ofNullable(client.attr(HandshakeReporter.SERVER_NAME).get()),
            ChainDiagnosis.of(
                Instant.now(),
                identity.map(id -> List.of(id.leaf())).orElse(List.of()),
                reason,
                explanation,
                fix));
    return new Refused(status, message + "; failure id " + failure.id());
  }

  /**
   * The access decision for this connection's identity on a route: it cannot change, so it is made
   * once.
   */
  private AccessPolicy.Decision decision(Router.Route route, ClientIdentity identity) {
    if (decisions == null) {
      decisions = new IdentityHashMap<>(4);
    }
    return decisions.computeIfAbsent(route, r -> r.access().evaluate(identity.leaf()));
  }

  /** The request as refusals name it (built only for a refusal). */
  private static String what(HttpRequest request) {
    return request.method() + " " + RequestRules.abbreviate(request.uri());
  }
}
