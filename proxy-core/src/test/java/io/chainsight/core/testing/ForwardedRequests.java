package io.chainsight.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a request the proxy forwarded must look like at the backend, whatever the client sent: an
 * RFC 9110 method token (never CONNECT or TRACE), an origin-form target, exactly one Host, clean
 * header names and values, one unambiguous framing that matches the body, and the forwarding
 * headers the proxy adds to every request it processed (a request smuggled inside another one's
 * body would arrive without them).
 */
public final class ForwardedRequests {
  private static final Set<String> REFUSED_METHODS = Set.of("CONNECT", "TRACE");

  private ForwardedRequests() {}

  /**
   * Every rule {@code request} breaks, each naming the rule and the offending value; empty when
   * well-formed.
   */
  public static List<String> problems(RecordingBackend.Received request) {
    List<String> problems = new ArrayList<>();
    if (!isToken(request.method()) || REFUSED_METHODS.contains(request.method())) {
      problems.add(
          "method "
              + quote(request.method())
              + " (expected: a token other than CONNECT and TRACE)");
    }
    String target = request.target();
    if (!(target.startsWith("/") || ("*".equals(target) && "OPTIONS".equals(request.method())))
        || target.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      problems.add(
          "target "
              + quote(target)
              + " (expected: origin-form, starting with /, no spaces or controls)");
    }
    for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
      if (!isToken(header.getKey())) {
        problems.add("header name " + quote(header.getKey()) + " (expected: a token)");
      }
      for (String value : header.getValue()) {
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
          problems.add(
              "header "
                  + header.getKey()
                  + " value "
                  + quote(value)
                  + " (expected: no CR, LF or NUL)");
        }
      }
    }
    expectOne(problems, request, "host", null);
    checkFraming(problems, request);
    expectOne(problems, request, "x-forwarded-for", "127.0.0.1");
    expectOne(problems, request, "x-forwarded-proto", "https");
    expectOne(problems, request, "x-forwarded-client-cert", null);
    return problems;
  }

  private static void checkFraming(List<String> problems, RecordingBackend.Received request) {
    List<String> lengths = request.headers().getOrDefault("content-length", List.of());
    List<String> codings = request.headers().getOrDefault("transfer-encoding", List.of());
    if (!lengths.isEmpty() && !codings.isEmpty()) {
      problems.add("both Content-Length " + lengths + " and Transfer-Encoding " + codings);
    }
    if (lengths.size() > 1) {
      problems.add("Content-Length " + lengths.size() + " times: " + lengths);
    } else if (lengths.size() == 1) {
      String length = lengths.get(0);
      if (!length.matches("[0-9]{1,18}")) {
        problems.add("Content-Length " + quote(length) + " (expected: digits)");
      } else if (Long.parseLong(length) != request.body().length) {
        problems.add(
            "Content-Length " + length + " but a body of " + request.body().length + " bytes");
      }
    }
    if (!codings.isEmpty()
        && !(codings.size() == 1 && "chunked".equalsIgnoreCase(codings.get(0)))) {
      problems.add("Transfer-Encoding " + codings + " (expected: chunked alone, in any case)");
    }
  }

  private static void expectOne(
      List<String> problems, RecordingBackend.Received request, String name, String expected) {
    List<String> values = request.headers().getOrDefault(name, List.of());
    if (values.size() != 1 || (expected != null && !expected.equals(values.get(0)))) {
      problems.add(
          name
              + " "
              + values
              + " (expected: exactly one"
              + (expected == null ? "" : ", " + expected)
              + ")");
    }
  }

  /** RFC 9110 token: one or more tchar. */
  static boolean isToken(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      quoted.append(c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return quoted.append('"').toString();
  }
}
