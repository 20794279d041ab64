package io.chainsight.core.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one admin request: the token first, then the route; every answer has a body and a length.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

  private final AdminRoutes routes;
  private final Supplier<Optional<BearerToken>> tokens;
  private final Options options;

  /**
   * What else a listener does besides its routes.
   *
   * @param page whether it serves the admin page ({@link AdminPage})
   * @param hostCheck the configured host that requests must name (or an IP, or localhost: {@link
   *     HostCheck}) while no token is required; empty for any name
   */
  record Options(boolean page, Optional<String> hostCheck) {}

  /**
   * @param tokens the token required now (a reload can set, change or remove it), read per request
   */
  AdminHandler(AdminRoutes routes, Supplier<Optional<BearerToken>> tokens, Options options) {
    this.routes = routes;
    this.tokens = tokens;
    this.options = options;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    List<String> formatParam = uri.parameters().getOrDefault("format", List.of());
    Format errorFormat =
        formatParam.isEmpty() ? Format.JSON : Format.parse(formatParam.get(0)).orElse(Format.JSON);
    AdminResponse response;
    Optional<BearerToken> token = tokens.get();
    Optional<String> wrongHost =
        options
            .hostCheck()
            .filter(host -> token.isEmpty())
            .flatMap(host -> HostCheck.refusal(request.headers().get(HttpHeaderNames.HOST), host));
    Optional<AdminResponse> page =
        options.page() && request.decoderResult().isSuccess()
            ? AdminPage.answer(request, uri.path())
            : Optional.empty();
    if (wrongHost.isPresent()) {
      log.info(
          "admin: 403 for {} {} from {}: {}",
          request.method(),
          uri.path(),
          ctx.channel().remoteAddress(),
          wrongHost.get());
      response = AdminResponse.error(errorFormat, HttpResponseStatus.FORBIDDEN, wrongHost.get());
    } else if (page.isPresent()) {
      // The page's files hold no data, so they need no token: the page asks for it (AdminPage).
      response = page.get();
    } else if (!request.decoderResult().isSuccess()) {
      response =
          AdminResponse.error(
              errorFormat,
              HttpResponseStatus.BAD_REQUEST,
              "malformed HTTP request: " + request.decoderResult().cause().getMessage());
    } else if (token.isPresent()
        && !token.get().accepts(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      log.info(
          "admin: 401 for {} {} from {}: missing or wrong bearer token",
          request.method(),
          uri.path(),
          ctx.channel().remoteAddress());
      response =
          AdminResponse.error(
                  errorFormat,
                  HttpResponseStatus.UNAUTHORIZED,
                  "missing or wrong bearer token "
                      + "(expected: Authorization: Bearer <admin.token>)")
              .withHeader(
                  HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Bearer realm=\"chainsight admin\"");
    } else {
      try {
        response = routes.dispatch(request.method(), uri.path(), uri.parameters());
      } catch (RuntimeException e) {
        log.warn("admin: {} {} failed: {}", request.method(), uri.path(), e.toString(), e);
        response =
            AdminResponse.error(
                errorFormat,
                HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "the endpoint failed: " + e + " (the proxy log has the stack trace)");
      }
    }
    write(ctx, request, response);
  }

  private static void write(
      ChannelHandlerContext ctx, FullHttpRequest request, AdminResponse response) {
    ByteBuf body = Unpooled.copiedBuffer(response.body(), StandardCharsets.UTF_8);
    FullHttpResponse http =
        new DefaultFullHttpResponse(request.protocolVersion(), response.status(), body);
    http.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    response.headers().forEach((name, value) -> http.headers().set(name, value));
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(http, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(http);
    } else {
      ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
