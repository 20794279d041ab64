package io.chainsight.core.demo;

import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.certs.PemException;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.proxy.ChainsightServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The first minutes of a sidecar, in a few seconds on loopback, for a JVM to record a class-data
 * archive (JDK 17: {@code -XX:ArchiveClassesAtExit}) or an AOT cache (JDK 25: {@code
 * -XX:AOTCacheOutput}) from: the example PKI written to a work directory, the registrar stand-in as
 * the backend, the proxy started from a config file through the same loading as {@code chainsight
 * run}, readiness asked on the admin endpoint, then an agent over real mTLS: new connections (full
 * handshakes), resumed ones, and keep-alive requests; a scrape of {@code /metrics}; a drain. What
 * the JVM loads and compiles here is what a real start and its first clients need, so a start from
 * the archive finds it ready.
 */
public final class TrainingRun {
  /** What was done, for the one line the command prints. */
  public record Result(int connections, int requests, Duration took) {}

  private static final String REQUEST =
      "GET /version HTTP/1.1\r\nHost: localhost\r\nUser-Agent: chainsight-train\r\n\r\n";

  private TrainingRun() {}

  /**
   * @param work an empty directory for the PKI and the config (the caller removes it)
   * @param connections new mTLS connections, each with one request (a tenth of them resumed)
   * @param requests keep-alive requests, over a handful of connections
   */
  public static Result run(Path work, int connections, int requests) throws Exception {
    Instant start = Instant.now();
    Path pki = work.resolve("pki");
    ExamplePki.create(start).writeTo(pki, true);
    // The JDK's HTTP server writes a response's head and body separately; with Nagle's algorithm
    // on,
    // the body waits for the delayed ACK of the head (40 ms a request). A throwaway process may set
    // it.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try (RegistrarStandIn backend = RegistrarStandIn.start(0)) {
      Path config = work.resolve("chainsight.conf");
      Files.writeString(config, config(pki, backend.port()));
      EffectiveConfig effective =
          ConfigLoader.loadEffective(Optional.of(config), Map.of(), Map.of());
      ChainsightServer server = ChainsightServer.start(effective);
      try {
        InetSocketAddress admin = server.adminAddress().orElseThrow();
        awaitReady(URI.create("http://127.0.0.1:" + admin.getPort() + "/readyz"));
        int port = server.tlsAddress().getPort();
        SSLContext agent = agentContext(pki);
        for (int i = 0; i < connections; i++) {
          // Most connections are new agents (a new context, a full handshake); every tenth one
          // returns with the previous one's session ticket.
          SSLContext context = i % 10 == 9 ? agent : agentContext(pki);
          exchange(context, port, 1);
        }
        int perConnection = Math.max(1, requests / 4);
        for (int done = 0; done < requests; done += perConnection) {
          exchange(agent, port, Math.min(perConnection, requests - done));
        }
        String metrics = get(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"));
        if (!metrics.startsWith("HTTP/1.1 200")) {
          throw new IOException("GET /metrics: " + metrics + " (expected: HTTP/1.1 200)");
        }
      } finally {
        server.drainAndClose();
      }
    }
    return new Result(connections, requests, Duration.between(start, Instant.now()));
  }

  private static String config(Path pki, int backendPort) {
    return String.join(
        "\n",
        "chainsight {",
        "  listen { host = \"127.0.0.1\", port = 0 }",
        "  tls {",
        "    certificate-chain = \"" + ExamplePkiFile.REGISTRAR_CHAIN.in(pki) + "\"",
        "    private-key = \"" + ExamplePkiFile.REGISTRAR_KEY.in(pki) + "\"",
        "    trusted-cas = \"" + ExamplePkiFile.TRUSTED_CAS.in(pki) + "\"",
        "  }",
        "  backend.url = \"http://127.0.0.1:" + backendPort + "\"",
        "  admin { host = \"127.0.0.1\", port = 0 }",
        "  shutdown.drain-timeout = 1s",
        "}",
        "");
  }

  /** The example agent's certificate and key, trusting the example CA, over TLS 1.3. */
  private static SSLContext agentContext(Path pki)
      throws IOException, GeneralSecurityException, PemException {
    List<X509Certificate> chain = Pem.readCertificates(ExamplePkiFile.AGENT_CERT.in(pki));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "agent",
        Pem.readPrivateKey(ExamplePkiFile.AGENT_KEY.in(pki)),
        new char[0],
        chain.toArray(new Certificate[0]));
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate ca : Pem.readCertificates(ExamplePkiFile.AGENT_CA.in(pki))) {
      trust.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }

  /** {@code count} keep-alive requests for /version on one connection, each answered 200. */
  private static void exchange(SSLContext context, int port, int count) throws IOException {
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < count; i++) {
        out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        readOk(in, "GET /version");
      }
    }
  }

  /** Asks until the proxy says it is ready (the backend check runs on its own schedule). */
  private static void awaitReady(URI readyz) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String status;
    while (!(status = get(readyz)).startsWith("HTTP/1.1 200")) {
      if (System.nanoTime() > deadline) {
        throw new IOException("GET /readyz: " + status + " for 30 s (expected: HTTP/1.1 200)");
      }
      Thread.sleep(50);
    }
  }

  /** The status line of a plain-HTTP GET, its body read and dropped. */
  private static String get(URI uri) throws IOException {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + uri.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return readResponse(socket.getInputStream(), "GET " + uri);
    }
  }

  /** Reads one response with a Content-Length body; fails unless it is a 200. */
  private static void readOk(InputStream in, String what) throws IOException {
    String status = readResponse(in, what);
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new IOException(what + ": " + status + " (expected: HTTP/1.1 200)");
    }
  }

  /** Reads one response with a Content-Length body, and returns its status line. */
  private static String readResponse(InputStream in, String what) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException(what + ": the connection closed before a whole response head");
      }
      head.append((char) b);
    }
    String text = head.toString();
    long length = 0;
    for (String line : text.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    in.skipNBytes(length);
    return text.lines().findFirst().orElse("");
  }
}
