package io.chainsight.core.proxy;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Which requests are never forwarded (RFC 9112 framing that could be read two ways, and methods a
 * reverse proxy in front of a registrar has no business carrying). Netty's decoder already refuses
 * Content-Length together with Transfer-Encoding, a final coding other than chunked, chunked on
 * HTTP/1.0, differing Content-Lengths, bad header names and control characters; here those failures
 * get their status, and the rest is checked.
 */
final class RequestRules {
  /** Why a request is refused: the status, the message in the envelope, and the metric label. */
  record Rejection(HttpResponseStatus status, String message, String cause) {}

  private RequestRules() {}

  static Optional<Rejection> check(HttpRequest request, long maxBodySize, int maxHeaders) {
    if (request.decoderResult().isFailure()) {
      return Optional.of(decoderFailure(request.decoderResult().cause()));
    }
    // Netty's decoder takes any NAME/x.y as a version (HTTP/0.9, HTTP/2.0 ...), and every request
    // is forwarded as HTTP/1.1: a version from another major would reach the backend as something
    // it is not (HostileInputIT).
    HttpVersion version = request.protocolVersion();
    if (!"HTTP".equals(version.protocolName()) || version.majorVersion() != 1) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
              "HTTP Version Not Supported: "
                  + abbreviate(version.text())
                  + " (expected: HTTP/1.1 or HTTP/1.0)",
              "malformed"));
    }
    HttpMethod method = request.method();
    if (HttpMethod.CONNECT.equals(method) || HttpMethod.TRACE.equals(method)) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.METHOD_NOT_ALLOWED,
              "Method Not Allowed: " + method + " is not proxied",
              "method"));
    }
    if (!request.uri().startsWith("/")
        && !("*".equals(request.uri()) && HttpMethod.OPTIONS.equals(method))) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.BAD_REQUEST,
              "Bad Request: request target must be a path (origin-form, e.g. /version), got \""
                  + abbreviate(request.uri())
                  + "\"",
              "target"));
    }
    // Netty reads the target as ISO-8859-1 and writes it to the backend as UTF-8: a raw byte over
    // 0x7e would arrive
    // as other bytes than the client sent, and RFC 3986 allows only ASCII there (HostileInputIT).
    if (hasNonAscii(request.uri())) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.BAD_REQUEST,
              "Bad Request: request target \""
                  + abbreviate(request.uri())
                  + "\" has a byte outside ASCII (expected: percent-encoded)",
              "target"));
    }
    String pathProblem = pathProblem(request.uri());
    if (pathProblem != null) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.BAD_REQUEST,
              "Bad Request: the path \""
                  + abbreviate(request.uri())
                  + "\" "
                  + pathProblem
                  + " (routes match the path as sent, so it must be "
                  + "normalised)",
              "path"));
    }
    if (request.headers().size() > maxHeaders) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "Request Header Fields Too Large: "
                  + request.headers().size()
                  + " header fields (limit: "
                  + maxHeaders
                  + ", limits.max-headers)",
              "headers"));
    }
    // HTTP/1.0 requests too: they are forwarded as HTTP/1.1, which must carry exactly one Host (RFC
    // 9112 3.2); a
    // Host-less HTTP/1.0 request reached the backend without one (HostileInputIT).
    int hosts = count(request.headers(), HttpHeaderNames.HOST);
    if (hosts != 1) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.BAD_REQUEST,
              "Bad Request: a request needs exactly one Host header, got " + hosts,
              "host"));
    }
    // Netty accepts any list ending in chunked ("identity, chunked", "gzip, chunked", one per line)
    // and forwards it
    // as sent; a backend that frames by the first value reads the body differently
    // (HostileInputIT).
    List<String> codings =
        request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
            ? request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING)
            : List.of();
    if (!codings.isEmpty()
        && !(codings.size() == 1 && "chunked".equalsIgnoreCase(codings.get(0)))) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.NOT_IMPLEMENTED,
              "Not Implemented: Transfer-Encoding \""
                  + abbreviate(String.join(", ", codings))
                  + "\" (expected: chunked alone)",
              "malformed"));
    }
    long length = HttpUtil.getContentLength(request, -1L);
    if (length > maxBodySize) {
      return Optional.of(tooLarge(length, maxBodySize));
    }
    return Optional.empty();
  }

  /**
   * Why a path could be read two ways (by the router here and the backend there), or null. Dot
   * segments, encoded dots and slashes, backslashes and empty segments let a request match one
   * route here and reach another path at the backend: {@code /version/../v2.1/agents} would pass as
   * {@code /version}.
   */
  static String pathProblem(String uri) {
    // Scanned in place, in this order of messages: it runs on every request.
    int query = uri.indexOf('?');
    int end = query < 0 ? uri.length() : query;
    for (int i = 0; i + 2 < end; i++) {
      if (uri.charAt(i) == '%' && encodedDotOrSlash(uri.charAt(i + 1), uri.charAt(i + 2))) {
        return "has an encoded dot, slash or backslash";
      }
    }
    int backslash = uri.indexOf('\\');
    if (backslash >= 0 && backslash < end) {
      return "has a backslash";
    }
    int emptySegment = uri.indexOf("//");
    if (emptySegment >= 0 && emptySegment < end) {
      return "has an empty segment (//)";
    }
    for (int start = 0; start <= end; ) {
      int slash = uri.indexOf('/', start);
      int segmentEnd = slash < 0 || slash > end ? end : slash;
      int length = segmentEnd - start;
      if ((length == 1 || length == 2)
          && uri.charAt(start) == '.'
          && uri.charAt(segmentEnd - 1) == '.') {
        return "has a dot segment (" + uri.substring(start, segmentEnd) + ")";
      }
      start = segmentEnd + 1;
    }
    return null;
  }

  private static boolean encodedDotOrSlash(char high, char low) {
    char l = Character.toLowerCase(low);
    return (high == '2' && (l == 'e' || l == 'f')) || (high == '5' && l == 'c');
  }

  private static boolean hasNonAscii(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      if (uri.charAt(i) > 0x7e) {
        return true;
      }
    }
    return false;
  }

  private static int count(HttpHeaders headers, CharSequence name) {
    if (!headers.contains(name)) {
      return 0;
    }
    int count = 0;
    for (Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(name);
        values.hasNext(); ) {
      values.next();
      count++;
    }
    return count;
  }

  /**
   * A part of a request body that must not reach the backend: a malformed chunk, or one that takes
   * the body past limits.max-body-size ({@code bodyBytes}, counted with it).
   */
  static Optional<Rejection> checkBodyPart(HttpContent part, long bodyBytes, long maxBodySize) {
    if (part.decoderResult().isFailure()) {
      return Optional.of(
          new Rejection(
              HttpResponseStatus.BAD_REQUEST,
              "Bad Request: malformed request body ("
                  + part.decoderResult().cause().getMessage()
                  + ")",
              "malformed"));
    }
    // Only a chunked body gets this far (a declared length is checked up front).
    return bodyBytes > maxBodySize
        ? Optional.of(tooLarge(bodyBytes, maxBodySize))
        : Optional.empty();
  }

  static Rejection tooLarge(long length, long maxBodySize) {
    return new Rejection(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "Content Too Large: body of "
            + length
            + " bytes or more (limit: "
            + maxBodySize
            + " bytes, limits.max-body-size)",
        "body");
  }

  private static Rejection decoderFailure(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new Rejection(
          HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "URI Too Long: the request line is over limits.max-request-line",
          "request-line");
    }
    if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      return new Rejection(
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "Request Header Fields Too Large: headers are over limits.max-header-size",
          "headers");
    }
    return new Rejection(
        HttpResponseStatus.BAD_REQUEST,
        "Bad Request: malformed HTTP/1.1 request (" + cause.getMessage() + ")",
        "malformed");
  }

  /**
   * Text the client chose (a target, a version, a request line), cut to 200 characters before a
   * message or a log line quotes it.
   */
  static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
