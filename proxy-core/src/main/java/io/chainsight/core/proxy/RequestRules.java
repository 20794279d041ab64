package io.chainsight.core.proxy;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import java.util.Optional;

/**
 * Which requests are never forwarded (RFC 9112 framing that could be read two ways, and methods a reverse proxy
 * in front of a registrar has no business carrying). Netty's decoder already refuses Content-Length together
 * with Transfer-Encoding, a final coding other than chunked, chunked on HTTP/1.0, differing Content-Lengths,
 * bad header names and control characters; here those failures get their status, and the rest is checked.
 */
final class RequestRules {
  /** Why a request is refused: the status, the message in the envelope, and the metric label. */
  record Rejection(HttpResponseStatus status, String message, String cause) {}

  private RequestRules() {}

  static Optional<Rejection> check(HttpRequest request, long maxBodySize, int maxHeaders) {
    if (request.decoderResult().isFailure()) {
      return Optional.of(decoderFailure(request.decoderResult().cause()));
    }
    HttpMethod method = request.method();
    if (HttpMethod.CONNECT.equals(method) || HttpMethod.TRACE.equals(method)) {
      return Optional.of(new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED,
          "Method Not Allowed: " + method + " is not proxied", "method"));
    }
    if (!request.uri().startsWith("/") && !("*".equals(request.uri()) && HttpMethod.OPTIONS.equals(method))) {
      return Optional.of(new Rejection(HttpResponseStatus.BAD_REQUEST,
          "Bad Request: request target must be a path (origin-form, e.g. /version), got \""
              + abbreviate(request.uri()) + "\"", "target"));
    }
    String pathProblem = pathProblem(request.uri());
    if (pathProblem != null) {
      return Optional.of(new Rejection(HttpResponseStatus.BAD_REQUEST, "Bad Request: the path \""
          + abbreviate(request.uri()) + "\" " + pathProblem + " (routes match the path as sent, so it must be "
          + "normalised)", "path"));
    }
    if (request.headers().size() > maxHeaders) {
      return Optional.of(new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "Request Header Fields Too Large: " + request.headers().size() + " header fields (limit: " + maxHeaders
              + ", limits.max-headers)", "headers"));
    }
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (request.protocolVersion().minorVersion() == 1 && hosts.size() != 1) {
      return Optional.of(new Rejection(HttpResponseStatus.BAD_REQUEST,
          "Bad Request: an HTTP/1.1 request needs exactly one Host header, got " + hosts.size(), "host"));
    }
    if (hosts.size() > 1) {
      return Optional.of(new Rejection(HttpResponseStatus.BAD_REQUEST,
          "Bad Request: " + hosts.size() + " Host headers (expected: at most one)", "host"));
    }
    long length = HttpUtil.getContentLength(request, -1L);
    if (length > maxBodySize) {
      return Optional.of(tooLarge(length, maxBodySize));
    }
    return Optional.empty();
  }

  /**
   * Why a path could be read two ways (by the router here and the backend there), or null. Dot segments,
   * encoded dots and slashes, backslashes and empty segments let a request match one route here and reach
   * another path at the backend: {@code /version/../v2.1/agents} would pass as {@code /version}.
   */
  static String pathProblem(String uri) {
    int query = uri.indexOf('?');
    String path = (query < 0 ? uri : uri.substring(0, query));
    String lower = path.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")) {
      return "has an encoded dot, slash or backslash";
    }
    if (path.indexOf('\\') >= 0) {
      return "has a backslash";
    }
    if (path.contains("//")) {
      return "has an empty segment (//)";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return "has a dot segment (" + segment + ")";
      }
    }
    return null;
  }

  static Rejection tooLarge(long length, long maxBodySize) {
    return new Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Content Too Large: body of " + length
        + " bytes or more (limit: " + maxBodySize + " bytes, limits.max-body-size)", "body");
  }

  private static Rejection decoderFailure(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "URI Too Long: the request line is over limits.max-request-line", "request-line");
    }
    if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "Request Header Fields Too Large: headers are over limits.max-header-size", "headers");
    }
    return new Rejection(HttpResponseStatus.BAD_REQUEST,
        "Bad Request: malformed HTTP/1.1 request (" + cause.getMessage() + ")", "malformed");
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
