package io.chainsight.core.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the Keylime registrar's plain-HTTP port on 127.0.0.1, for the demo and the tests:
 * the routes an agent calls, answered in the registrar's envelope ({@link RegistrarApi}), with the
 * client identity chainsight forwarded ({@code X-Forwarded-Client-Cert}'s Subject) echoed back, so
 * a curl through the proxy shows that identity reaching the backend. Built on the JDK's HTTP
 * server: no dependency, and the demo only needs a few requests a second.
 */
public final class RegistrarStandIn implements AutoCloseable {
  /** Registration bodies are 2-8 KB; anything far larger is refused rather than held in memory. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(RegistrarStandIn.class);
  private static final String XFCC = "X-Forwarded-Client-Cert";

  private final HttpServer server;
  private final ExecutorService executor;

  private RegistrarStandIn(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on 127.0.0.1:{@code port} (0 picks a free port).
   *
   * @throws java.net.BindException when something already listens on that port
   */
  public static RegistrarStandIn start(int port) throws IOException {
    return start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
  }

  /**
   * Listens on {@code address:port}: another address than loopback for a container of its own
   * (docker/docker-compose.stand-in.yml), where chainsight reaches it over the container network.
   *
   * @throws java.net.BindException when something already listens on that port
   */
  public static RegistrarStandIn start(InetAddress address, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 50);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread =
                  new Thread(runnable, "registrar-stand-in-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", RegistrarStandIn::exchange);
    server.start();
    return new RegistrarStandIn(server, executor);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      Optional<String> subject =
          ForwardedClientCert.subject(exchange.getRequestHeaders().getFirst(XFCC));
      byte[] body = readBody(exchange.getRequestBody());
      RegistrarReply reply =
          body == null
              ? RegistrarReply.error(
                  413,
                  "Payload Too Large: the request body exceeds "
                      + MAX_BODY_BYTES
                      + " bytes (expected: a registration of a few KB)")
              : RegistrarApi.handle(method, path, body, subject);
      byte[] json = reply.body();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      reply.allow().ifPresent(allow -> exchange.getResponseHeaders().set("Allow", allow));
      exchange.sendResponseHeaders(reply.code(), json.length);
      exchange.getResponseBody().write(json);
      log.info(
          "registrar stand-in: {} {} -> {} (client identity: {})",
          method,
          path,
          reply.code(),
          subject.orElse("none forwarded"));
    }
  }

  /** The whole body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    return body.length > MAX_BODY_BYTES ? null : body;
  }
}
