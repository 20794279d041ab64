package io.chainsight.core.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.chainsight.core.json.JsonLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A stand-in for the registrar on 127.0.0.1:0 that records every request it receives (method,
 * target, headers, body, the proxy's source port) and answers in the registrar's envelope. {@code
 * POST /echo} sends the body back; {@code GET /bytes/N} answers N bytes and counts them as they are
 * written.
 */
public final class RecordingBackend implements AutoCloseable {
  /** One request as the backend saw it. Header names are lower-cased. */
  public record Received(
      String method,
      String target,
      Map<String, List<String>> headers,
      byte[] body,
      int remotePort,
      String clientCertificateSubject) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase());
      return values == null ? null : String.join(",", values);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RecordingBackend(HttpServer server) {
    this.server = server;
  }

  public static RecordingBackend start() {
    try {
      return started(
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The registrar's TLS face (8891): HTTPS with {@code context}, asking for a client certificate
   * (and requiring one when {@code needClientAuth}); the subject of the certificate it got is
   * recorded with each request.
   */
  public static RecordingBackend startTls(SSLContext context, boolean needClientAuth) {
    try {
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(
          new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters parameters = context.getDefaultSSLParameters();
              if (needClientAuth) {
                parameters.setNeedClientAuth(true);
              } else {
                parameters.setWantClientAuth(true);
              }
              params.setSSLParameters(parameters);
            }
          });
      return started(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RecordingBackend started(HttpServer server) {
    RecordingBackend backend = new RecordingBackend(server);
    server.createContext("/", backend::handle);
    server.setExecutor(backend.executor);
    server.start();
    return backend;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, List<String>> headers = new java.util.TreeMap<>();
    Headers raw = exchange.getRequestHeaders();
    raw.forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
    String clientSubject = null;
    if (exchange instanceof HttpsExchange) {
      try {
        clientSubject =
            ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
      } catch (SSLPeerUnverifiedException e) {
        clientSubject = null;
      }
    }
    received.add(
        new Received(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            headers,
            body,
            exchange.getRemoteAddress().getPort(),
            clientSubject));
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/echo")) {
      respond(exchange, 200, "application/octet-stream", body);
    } else if (path.startsWith("/bytes/")) {
      sendBytes(exchange, Long.parseLong(path.substring("/bytes/".length())));
    } else if (path.startsWith("/slow")) {
      try {
        Thread.sleep(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 200, "application/json", envelope("slow"));
    } else {
      respond(
          exchange, 200, "application/json", envelope(exchange.getRequestMethod() + " " + path));
    }
  }

  /**
   * N bytes, byte i being {@link #byteAt}(i), written 64 KB at a time and counted as each write
   * returns: a write blocks while the proxy does not read, so {@link #bytesSent} shows how far a
   * slow client let the response get.
   */
  private void sendBytes(HttpExchange exchange, long n) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.sendResponseHeaders(200, n == 0 ? -1 : n);
    byte[] slice = new byte[64 * 1024];
    try (OutputStream out = exchange.getResponseBody()) {
      for (long sent = 0; sent < n; ) {
        int length = (int) Math.min(slice.length, n - sent);
        for (int i = 0; i < length; i++) {
          slice[i] = byteAt(sent + i);
        }
        out.write(slice, 0, length);
        sent += length;
        bytesSent.addAndGet(length);
      }
    }
  }

  /** Byte {@code i} of a {@code /bytes/N} response. */
  public static byte byteAt(long i) {
    return (byte) (i * 31 + 7);
  }

  /** Body bytes of {@code /bytes/N} responses written so far (each write returned). */
  public long bytesSent() {
    return bytesSent.get();
  }

  private static byte[] envelope(String what) {
    ObjectNode envelope = JsonNodeFactory.instance.objectNode().put("code", 200);
    envelope.put("status", "Success").putObject("results").put("saw", what);
    return JsonLayout.REGISTRAR.write(envelope).getBytes(StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received last() {
    if (received.isEmpty()) {
      throw new AssertionError("the backend received no request");
    }
    return received.get(received.size() - 1);
  }

  /** Stops it; a second call does nothing (a test may stop it early to make it unreachable). */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
  }
}
