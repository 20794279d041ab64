package io.chainsight.core.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The admin page: {@code GET /} from a browser ({@code Accept: text/html}) and its script, style
 * sheet and icon under {@code /ui/}, read once from the jar. The files hold no data: the script
 * fetches everything from the JSON endpoints, with the bearer token when one is configured. That is
 * why they are served without the token (a browser cannot send a header when it opens a page), and
 * why the Content-Security-Policy lets the page load nothing and talk to nothing but this origin.
 */
final class AdminPage {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private record Asset(String contentType, String body) {}

  private static final Map<String, Asset> ASSETS =
      Map.of(
          "/ui/admin.js", new Asset("text/javascript; charset=utf-8", read("admin.js")),
          "/ui/admin.css", new Asset("text/css; charset=utf-8", read("admin.css")),
          "/ui/icon.svg", new Asset("image/svg+xml", read("icon.svg")));
  private static final Asset INDEX = new Asset("text/html; charset=utf-8", read("index.html"));

  private AdminPage() {}

  /**
   * The page or one of its files, when that is what the request asks for; empty for every other
   * request (the endpoints, behind the token).
   */
  static Optional<AdminResponse> answer(HttpRequest request, String path) {
    if (!HttpMethod.GET.equals(request.method())) {
      return Optional.empty();
    }
    if (path.equals("/") && wantsHtml(request.headers().get(HttpHeaderNames.ACCEPT))) {
      return Optional.of(response(INDEX));
    }
    return Optional.ofNullable(ASSETS.get(path)).map(AdminPage::response);
  }

  /** A browser opening a page sends {@code text/html} first; curl sends {@code *}{@code /*}. */
  static boolean wantsHtml(String accept) {
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  private static AdminResponse response(Asset asset) {
    return new AdminResponse(HttpResponseStatus.OK, asset.contentType(), asset.body(), Map.of())
        .withHeader(HttpHeaderNames.CONTENT_SECURITY_POLICY.toString(), CONTENT_SECURITY_POLICY)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Referrer-Policy", "no-referrer");
  }

  private static String read(String name) {
    try (InputStream in = AdminPage.class.getResourceAsStream("page/" + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "the admin page file page/" + name + " is missing from the jar (rebuild it)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the admin page file page/" + name, e);
    }
  }
}
