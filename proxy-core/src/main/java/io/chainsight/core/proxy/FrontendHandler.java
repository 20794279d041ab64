package io.chainsight.core.proxy;

import io.chainsight.core.config.Durations;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.report.HandshakeFailure;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a client connection's requests, one exchange at a time, to a pooled backend connection
 * and streams the response back. Nothing is aggregated: each request and response part is written
 * on as it arrives, and each side reads its next chunk only when the other side can take it
 * (auto-read is off on both). Pipelined requests wait in {@code pending} until the exchange before
 * them is complete. Whether a request gets an exchange at all is {@link RequestAdmission}'s to
 * decide; this class answers its refusals.
 *
 * <p>Each exchange runs under the {@link Generation} current when its request arrived (routes,
 * access rules, limits, access log), so a reload applies to the next request, also on a connection
 * opened before it, and never to one in flight.
 *
 * <p>Every field is touched only from this channel's event loop, which its backend connection
 * shares.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  private final Supplier<Generation> generations;
  private final ProxyMetrics metrics;
  private final FailureReporter failures;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();

  // Of the generation the exchange in flight (or the last one) started under.
  private Generation generation;
  private RequestAdmission admission;
  private LimitsSettings limits;
  private boolean accessLog;

  private ChannelHandlerContext ctx;
  private ExchangeLog exchange;
  private Optional<ClientIdentity> identity = Optional.empty();
  private String clientAddress; // X-Forwarded-For, the same for every request of the connection
  private boolean closing;
  private boolean counted;
  private boolean draining;
  private boolean reportedAlready; // the failure was logged by the FailureReporter

  // The exchange in flight.
  private boolean inExchange;
  private Router.Route route;
  private BackendTarget target;
  private Channel backend; // null while connecting
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean informational; // a 1xx is being forwarded: its end is not the exchange's end
  private boolean clientKeepAlive;
  private boolean backendKeepAlive;
  private boolean head;
  private boolean clientHttp10;
  private boolean unflushed;
  private long bodyBytes;
  // The exchange's one clock: the backend's response timeout until the response starts, the body
  // stall timeout while a body moves (onDeadline tells which from the exchange's state).
  private Deadline deadline;
  private final GenericFutureListener<Future<? super Void>> onBackendWrite = this::onBackendWrite;

  FrontendHandler(
      Supplier<Generation> generations, ProxyMetrics metrics, FailureReporter failures) {
    this.generations = generations;
    this.metrics = metrics;
    this.failures = failures;
    takeCurrentGeneration();
  }

  /** The settings for the next exchange: the generation current now. */
  private void takeCurrentGeneration() {
    Generation current = generations.get();
    if (current == generation) {
      return;
    }
    generation = current;
    limits = current.config().limits();
    accessLog = current.config().log().access();
    // New routes, maybe new rules: the access decisions cached per route start afresh.
    admission = new RequestAdmission(current.router(), limits, metrics, failures);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.deadline = new Deadline(ctx.executor(), this::onDeadline);
    this.exchange = new ExchangeLog(metrics, (InetSocketAddress) ctx.channel().remoteAddress());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    counted = true;
    metrics.clientConnections().inc();
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == DrainEvent.INSTANCE) {
      // Shutting down: an idle connection closes now; one with an exchange in flight closes after
      // its response.
      clientKeepAlive = false;
      draining = true;
      if (!inExchange && pending.isEmpty()) {
        closing = true;
        ctx.close();
      }
      return;
    }
    if (event instanceof SslHandshakeCompletionEvent
        && ((SslHandshakeCompletionEvent) event).isSuccess()) {
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      identity = ClientIdentity.of(tls.engine().getSession());
      ctx.read();
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    pending.add(msg);
    drain();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && backend != null) {
      backend.read();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (counted) {
      // A connection refused at a limit never became active here, so it was never counted.
      metrics.clientConnections().dec();
    }
    closing = true;
    deadline.stop();
    if (backend != null) {
      // The client left mid-exchange: the backend connection is in an unknown state, never reuse
      // it.
      Channel abandoned = unbindBackend();
      abandoned.close();
    }
    inExchange = false;
    Object msg;
    while ((msg = pending.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Handshake failures are reported by HandshakeOutcomeHandler; anything else ends the
    // connection.
    log.debug("closing client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /**
   * Works through what the client sent as far as the exchange allows, then asks for more if it can
   * take it.
   */
  private void drain() {
    Object msg;
    while (!closing && (msg = pending.peek()) != null) {
      if (!inExchange) {
        pending.poll();
        if (msg instanceof HttpRequest) {
          startExchange((HttpRequest) msg);
        } else {
          ReferenceCountUtil.release(msg);
        }
      } else if (backend != null && !requestComplete) {
        pending.poll();
        forwardRequestPart((HttpContent) msg);
      } else {
        break;
      }
    }
    if (unflushed && backend != null) {
      unflushed = false;
      backend.flush();
    }
    readIfReady();
  }

  private void readIfReady() {
    if (closing || !pending.isEmpty()) {
      return;
    }
    if (!inExchange || (backend != null && !requestComplete && backend.isWritable())) {
      ctx.read();
    }
  }

  private void startExchange(HttpRequest request) {
    takeCurrentGeneration();
    inExchange = true;
    requestComplete = false;
    responseStarted = false;
    informational = false;
    bodyBytes = 0;
    exchange.start(request);
    RequestAdmission.Verdict verdict = admission.admit(request, ctx.channel(), identity);
    if (verdict instanceof RequestAdmission.Refused refused) {
      ReferenceCountUtil.release(request);
      fail(refused.status(), refused.message(), null);
      return;
    }
    route = ((RequestAdmission.Admitted) verdict).route();
    target = route.pool().target();
    clientKeepAlive = HttpUtil.isKeepAlive(request) && !draining;
    head = HttpMethod.HEAD.equals(request.method());
    if (clientAddress == null) {
      clientAddress =
          ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
    }
    ForwardedHeaders.rewriteRequest(request.headers(), clientAddress, identity);
    clientHttp10 = request.protocolVersion().minorVersion() == 0;
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (HttpUtil.is100ContinueExpected(request)) {
      // Only now, with every check passed and earlier responses complete, is the client invited to
      // send the body.
      request.headers().remove(HttpHeaderNames.EXPECT);
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    exchange.upstreamStarted();
    if (!(request instanceof LastHttpContent)) {
      deadline.set(limits.idleTimeout().toMillis());
    }
    // A pooled connection needs no future: the common case allocates nothing to get it.
    Channel idle = route.pool().pollIdle(ctx.channel().eventLoop());
    if (idle != null) {
      onBackendAcquired(idle, request);
    } else {
      route
          .pool()
          .connect(ctx.channel().eventLoop())
          .addListener(f -> onBackendConnected(f, request));
    }
  }

  private void onBackendConnected(Future<? super Channel> acquired, HttpRequest request) {
    if (!acquired.isSuccess()) {
      ReferenceCountUtil.release(request);
      if (BackendHandshakeReporter.isHandshakeFailure(target, acquired.cause())) {
        badGatewayHandshake(null, acquired.cause());
        return;
      }
      metrics.backendError("connect");
      fail(
          HttpResponseStatus.BAD_GATEWAY,
          BackendErrors.cannotConnect(target, acquired.cause()),
          acquired.cause());
      return;
    }
    onBackendAcquired((Channel) acquired.getNow(), request);
  }

  private void onBackendAcquired(Channel channel, HttpRequest request) {
    if (closing) {
      ReferenceCountUtil.release(request);
      route.pool().release(channel);
      return;
    }
    backend = channel;
    backendKeepAlive = true;
    channel.pipeline().get(BackendHandler.class).bind(this);
    channel.write(request).addListener(onBackendWrite);
    unflushed = true;
    if (request instanceof LastHttpContent) {
      requestDone();
    }
    channel.read();
    drain();
  }

  /**
   * The exchange's deadline passed. Until the request is complete it is the body stall: while a
   * body is moving, in either direction, it must keep moving, and nothing for limits.idle-timeout
   * (a client that stops sending its body, a backend that stops sending its response) ends the
   * exchange, so neither side can hold a connection of the other forever. Between the request's end
   * and the response's head it is backend.response-timeout.
   */
  private void onDeadline() {
    if (!inExchange || closing) {
      return;
    }
    if (requestComplete && !responseStarted) {
      onResponseTimeout();
    } else {
      onStall();
    }
  }

  private void onStall() {
    if (backend != null) {
      unbindBackend().close();
    }
    if (!responseStarted) {
      metrics.rejected("body-timeout");
      fail(
          HttpResponseStatus.REQUEST_TIMEOUT,
          "Request Timeout: the request body stopped arriving for "
              + Durations.human(limits.idleTimeout())
              + " (limits.idle-timeout)",
          null);
    } else {
      metrics.backendError("stalled");
      log.warn(
          "{} from {}: backend {} sent nothing for {} in the middle of its response; closing",
          exchange.requestLine(),
          ctx.channel().remoteAddress(),
          target.address(),
          Durations.human(limits.idleTimeout()));
      closing = true;
      ctx.close();
    }
  }

  private void forwardRequestPart(HttpContent content) {
    bodyBytes += content.content().readableBytes();
    Optional<RequestRules.Rejection> refused =
        RequestRules.checkBodyPart(content, bodyBytes, limits.maxBodySize());
    if (refused.isPresent()) {
      // The backend has an unfinished request: closing its connection makes it drop it; it is never
      // reused.
      ReferenceCountUtil.release(content);
      unbindBackend().close();
      deadline.clear();
      if (!responseStarted) {
        reject(refused.get());
      } else {
        closing = true;
        ctx.close();
      }
      return;
    }
    if (content instanceof LastHttpContent
        && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
      // Trailer fields are dropped (RFC 9110 6.5.1 allows it): a backend that does not read them
      // takes them for the next request on the connection, one this proxy never checked
      // (FuzzFindingsIT).
      ((LastHttpContent) content).trailingHeaders().clear();
    }
    backend.write(content).addListener(onBackendWrite);
    unflushed = true;
    if (content instanceof LastHttpContent) {
      requestDone();
    } else {
      deadline.set(limits.idleTimeout().toMillis());
    }
  }

  private void onBackendWrite(Future<? super Void> write) {
    if (!write.isSuccess() && inExchange && backend != null) {
      metrics.backendError("write");
      Channel broken = unbindBackend();
      broken.close();
      onBackendLost(BackendErrors.brokeWhileSending(target, write.cause()));
    }
  }

  private void requestDone() {
    requestComplete = true;
    if (!responseStarted) {
      deadline.set(target.responseTimeout().toMillis());
    }
    // Else the backend answered before the body ended, and the response's stall clock runs on.
  }

  void onBackendMessage(Object msg) {
    if (msg instanceof HttpResponse) {
      HttpResponse response = (HttpResponse) msg;
      if (response.decoderResult().isFailure()) {
        deadline.clear();
        ReferenceCountUtil.release(msg);
        metrics.backendError("malformed");
        Channel broken = unbindBackend();
        broken.close();
        onBackendLost(BackendErrors.malformedResponse(target, response.decoderResult().cause()));
        return;
      }
      int code = response.status().code();
      informational = code >= 100 && code < 200;
      if (!informational) {
        deadline.clear();
        responseStarted = true;
        exchange.responseStarted(code);
        backendKeepAlive = HttpUtil.isKeepAlive(response);
        frame(response);
      }
    }
    if (msg instanceof HttpContent && !informational) {
      exchange.responseBytes(((HttpContent) msg).content().readableBytes());
    }
    if (responseStarted && !(msg instanceof LastHttpContent)) {
      deadline.set(limits.idleTimeout().toMillis());
    }
    // A failed write to the client reaches exceptionCaught, which closes: no promise to watch.
    ctx.write(msg, ctx.voidPromise());
    if (msg instanceof LastHttpContent) {
      if (informational) {
        informational = false;
      } else {
        completeExchange();
      }
    }
  }

  /** Readies the response head for the client: our headers, and how its body ends. */
  private void frame(HttpResponse response) {
    response.setProtocolVersion(HttpVersion.HTTP_1_1);
    ForwardedHeaders.rewriteResponse(response.headers());
    int code = response.status().code();
    if (!head
        && code != 204
        && code != 304
        && !HttpUtil.isContentLengthSet(response)
        && !HttpUtil.isTransferEncodingChunked(response)) {
      if (clientHttp10) {
        // HTTP/1.0 has no chunked coding: the body ends when this connection closes, as the
        // backend's did.
        clientKeepAlive = false;
      } else {
        // The backend delimited the body by closing; the client gets it chunked and keeps its
        // connection.
        HttpUtil.setTransferEncodingChunked(response, true);
      }
    }
    if (!clientKeepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  void onBackendReadComplete() {
    ctx.flush();
    if (backend != null && ctx.channel().isWritable()) {
      backend.read();
    }
  }

  void onBackendWritable() {
    readIfReady();
  }

  /** The backend connection closed or failed while this exchange held it. */
  void onBackendClosed(Throwable cause) {
    if (backend == null) {
      return;
    }
    Channel lost = backend;
    backend = null;
    if (!responseStarted && BackendHandshakeReporter.isHandshakeFailure(target, cause)) {
      // TLS 1.3: the backend judges our client certificate after our side of the handshake is done,
      // so its alert arrives here, on the exchange's first read.
      deadline.clear();
      badGatewayHandshake((InetSocketAddress) lost.remoteAddress(), cause);
      return;
    }
    metrics.backendError(cause == null ? "closed" : "reset");
    onBackendLost(BackendErrors.lost(target, cause));
  }

  /**
   * The TLS handshake with an https backend failed: reported like a client's (one log event,
   * counted with hop="backend", kept at /debug/handshakes), and answered with one sentence and the
   * failure id.
   */
  private void badGatewayHandshake(InetSocketAddress peer, Throwable cause) {
    BackendHandshakeReporter hop = new BackendHandshakeReporter(failures, metrics);
    HandshakeFailure failure = hop.failed(target, peer, cause);
    metrics.backendError("handshake");
    // The failure's own WARN event (deduplicated) is the one to act on; the 502 line is routine.
    reportedAlready = true;
    fail(HttpResponseStatus.BAD_GATEWAY, hop.badGateway(target, failure), null);
  }

  private void onBackendLost(String reason) {
    deadline.clear();
    if (!responseStarted) {
      fail(HttpResponseStatus.BAD_GATEWAY, "Bad Gateway: " + reason, null);
    } else {
      // Part of the response is already with the client: the only honest signal left is to close.
      log.warn(
          "{} from {}: {} after {} was sent; closing the client connection",
          exchange.requestLine(),
          ctx.channel().remoteAddress(),
          reason,
          exchange.status());
      closing = true;
      ctx.close();
    }
  }

  private void onResponseTimeout() {
    metrics.backendError("timeout");
    if (backend != null) {
      unbindBackend().close();
    }
    fail(HttpResponseStatus.GATEWAY_TIMEOUT, BackendErrors.timedOut(target), null);
  }

  private void completeExchange() {
    deadline.clear();
    exchange.completed(identity, accessLog);
    Channel done = unbindBackend();
    inExchange = false;
    if (backendKeepAlive && requestComplete) {
      route.pool().release(done);
    } else {
      done.close();
    }
    if (!clientKeepAlive || !requestComplete) {
      // Either the client asked to close, or the backend answered before the request body ended:
      // the rest of that body is still on the wire, so the connection cannot carry another request.
      closing = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.flush();
    drain();
  }

  private void reject(RequestRules.Rejection rejection) {
    metrics.rejected(rejection.cause());
    fail(rejection.status(), rejection.message(), null);
  }

  /** Answers the exchange in flight with an error in the registrar's envelope, and closes. */
  private void fail(HttpResponseStatus status, String message, Throwable cause) {
    deadline.clear();
    FullHttpResponse response = RegistrarEnvelope.response(ctx.alloc(), status, message, true);
    exchange.answered(
        status.code(),
        response.content().readableBytes(),
        message,
        identity,
        accessLog,
        reportedAlready);
    if (cause != null) {
      log.debug("cause", cause);
    }
    inExchange = false;
    closing = true;
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private Channel unbindBackend() {
    Channel channel = backend;
    backend = null;
    channel.pipeline().get(BackendHandler.class).unbind();
    return channel;
  }
}
