package io.chainsight.core.admin;

import io.chainsight.core.config.ReloadResult;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /reload}: reads the config file and the TLS files it names again, as a change of
 * those files or SIGHUP does. 200 when the new configuration is served (or nothing changed); 422
 * when it was refused and the previous one is still served, so {@code curl -f} fails. Without a
 * reloader (an admin server not run by the proxy), 501.
 */
final class ReloadEndpoint {
  static final String UNAVAILABLE =
      "reload is not available here: this admin listener is not attached to a "
          + "running proxy (expected: POST /reload on the admin listener of chainsight run)";

  private final Function<String, ReloadResult> reloader;

  ReloadEndpoint(Function<String, ReloadResult> reloader) {
    this.reloader = reloader;
  }

  AdminResponse handle(AdminRequest request) {
    if (reloader == null) {
      return AdminResponse.error(request.format(), HttpResponseStatus.NOT_IMPLEMENTED, UNAVAILABLE);
    }
    ReloadResult result = reloader.apply("admin endpoint");
    boolean failed = result.outcome() == ReloadResult.Outcome.FAILED;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("result", result.outcome().name().toLowerCase(Locale.ROOT));
    json.put("message", result.describe());
    json.put("serving", result.serving());
    json.put("generation", result.generation());
    json.put("changes", result.changes());
    json.put("problems", result.problems());
    json.put("at", result.at().toString());
    StringBuilder text = new StringBuilder(result.describe());
    for (String change : result.changes()) {
      text.append("\n  ").append(change);
    }
    return AdminResponse.of(
        request,
        failed ? HttpResponseStatus.UNPROCESSABLE_ENTITY : HttpResponseStatus.OK,
        json,
        text.toString());
  }
}
