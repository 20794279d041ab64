package io.chainsight.core.admin;

import io.chainsight.core.tls.TlsEngine;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /version}: build version, Java, TLS engine and transport, with why a fallback was taken.
 */
final class VersionEndpoint {
  private final TlsEngine engine;
  private final String transport;
  private final String transportFallback;

  VersionEndpoint(TlsEngine engine, String transport, String transportFallback) {
    this.engine = engine;
    this.transport = transport;
    this.transportFallback = transportFallback;
  }

  /**
   * Implementation-Version from the jar manifest (set by the build), or "dev" when run from
   * classes.
   */
  static String buildVersion() {
    String version = VersionEndpoint.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  AdminResponse handle(AdminRequest request) {
    String tls = engine.isOpenSsl() ? "BoringSSL" : "JDK";
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", buildVersion());
    json.put("java", Runtime.version().toString());
    json.put("javaVendor", System.getProperty("java.vendor"));
    json.put("tlsEngine", tls);
    json.put("tlsEngineVersion", engine.description());
    json.put("tlsEngineFallbackReason", engine.fallbackReason());
    json.put("transport", transport);
    json.put("transportFallbackReason", transportFallback);
    String text =
        "chainsight "
            + buildVersion()
            + "\n"
            + "java        "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vendor")
            + ")\n"
            + "tls engine  "
            + tls
            + (engine.description().equals(tls) ? "" : " (" + engine.description() + ")")
            + (engine.fallbackReason() == null
                ? ""
                : ", BoringSSL did not load: " + engine.fallbackReason())
            + "\n"
            + "transport   "
            + transport
            + (transportFallback == null ? "" : ", native epoll did not load: " + transportFallback)
            + "\n";
    return AdminResponse.of(request, HttpResponseStatus.OK, json, text);
  }
}
