package io.chainsight.core.demo;

import io.chainsight.core.certs.BackendTlsMaterial;
import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.proxy.ChainsightServer;
import io.chainsight.core.proxy.Transport;
import io.chainsight.core.tls.BackendTlsContext;
import io.chainsight.core.tls.TlsEngine;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first minutes of a sidecar, in a few seconds on loopback, for a JVM to record a class-data
 * archive (JDK 17: {@code -XX:ArchiveClassesAtExit}) or an AOT cache (JDK 25: {@code
 * -XX:AOTCacheOutput}) from: the registrar stand-in as the backend, the proxy started from a config
 * file through the same loading as {@code chainsight run}, readiness asked on the admin endpoint,
 * then an agent over real mTLS: new connections (full handshakes), resumed ones, and keep-alive
 * requests; a drain. What the JVM loads and compiles here is what a real start and its first
 * clients need, and little else: the agent speaks through the proxy's own client side of TLS (its
 * https backend hop), and the example PKI is best made beforehand by another JVM ({@code chainsight
 * pki init}), since making it takes Bouncy Castle's provider, which a proxy never loads.
 */
public final class TrainingRun {
  /** What was done, for the one line the command prints. */
  public record Result(int connections, int requests, Duration took) {}

  private TrainingRun() {}

  /**
   * @param work an empty directory for the config (and the PKI when none is given); the caller
   *     removes it
   * @param pki an example PKI ({@code chainsight pki init}), or empty to make one in {@code work}
   * @param connections new mTLS connections, each with one request (a tenth of them resumed)
   * @param requests keep-alive requests, over four connections
   */
  public static Result run(Path work, Optional<Path> pki, int connections, int requests)
      throws Exception {
    Instant start = Instant.now();
    Path certs = pki.orElse(work.resolve("pki"));
    if (pki.isEmpty()) {
      ExamplePki.create(start).writeTo(certs, true);
    }
    // The JDK's HTTP server writes a response's head and body separately; with Nagle's algorithm
    // on, the body waits for the delayed ACK of the head (40 ms a request). A throwaway process may
    // set it.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try (RegistrarStandIn backend = RegistrarStandIn.start(0)) {
      Path config = work.resolve("chainsight.conf");
      Files.writeString(config, config(certs, backend.port()));
      EffectiveConfig effective =
          ConfigLoader.loadEffective(Optional.of(config), Map.of(), Map.of());
      ChainsightServer server = ChainsightServer.start(effective);
      Transport transport = Transport.detect();
      EventLoopGroup agents = transport.newEventLoopGroup(1);
      try {
        InetSocketAddress admin = server.adminAddress().orElseThrow();
        awaitReady(URI.create("http://127.0.0.1:" + admin.getPort() + "/readyz"));
        Agent agent = new Agent(agents, transport, server.tlsAddress().getPort());
        SslContext returning = agentContext(certs, server.engine());
        for (int i = 0; i < connections; i++) {
          // Most connections are new agents (a new context, a full handshake); every tenth one
          // comes back with the session ticket of the one before.
          agent.exchange(i % 10 == 9 ? returning : agentContext(certs, server.engine()), 1);
        }
        int perConnection = Math.max(1, requests / 4);
        for (int done = 0; done < requests; done += perConnection) {
          agent.exchange(returning, Math.min(perConnection, requests - done));
        }
      } finally {
        agents.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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

  /**
   * The example agent's certificate and key, trusting the example CA, as the https hop sends them.
   */
  private static SslContext agentContext(Path pki, TlsEngine engine) throws ConfigException {
    BackendTlsSettings agent =
        new BackendTlsSettings(
            Optional.of(ExamplePkiFile.AGENT_CERT.in(pki)),
            Optional.of(ExamplePkiFile.AGENT_KEY.in(pki)),
            ExamplePkiFile.AGENT_CA.in(pki),
            Optional.of("localhost"));
    return BackendTlsContext.build(
        "train", BackendTlsMaterial.load("train", agent), "localhost", engine);
  }

  /** Keep-alive requests for /version on one connection at a time, each to be answered 200. */
  private record Agent(EventLoopGroup group, Transport transport, int port) {
    void exchange(SslContext tls, int count) throws Exception {
      CompletableFuture<Void> done = new CompletableFuture<>();
      new Bootstrap()
          .group(group)
          .channel(transport.clientChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                  ch.pipeline()
                      .addLast(tls.newHandler(ch.alloc(), "localhost", port))
                      .addLast(new HttpClientCodec())
                      .addLast(new Requests(count, done));
                }
              })
          .connect("127.0.0.1", port);
      done.get(30, TimeUnit.SECONDS);
    }
  }

  /** Sends a request, waits for its whole response, and again, {@code count} times. */
  private static final class Requests extends SimpleChannelInboundHandler<HttpObject> {
    private final CompletableFuture<Void> done;
    private int left;

    Requests(int count, CompletableFuture<Void> done) {
      this.left = count;
      this.done = done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      send(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse && ((HttpResponse) msg).status().code() != 200) {
        fail(
            ctx,
            new IOException("GET /version: " + ((HttpResponse) msg).status() + " (expected: 200)"));
      } else if (msg instanceof LastHttpContent && !done.isDone()) {
        if (--left == 0) {
          done.complete(null);
          ctx.close();
        } else {
          send(ctx);
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(
          ctx, new IOException("the proxy closed the connection with " + left + " requests to go"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
      if (done.completeExceptionally(cause)) {
        ctx.close();
      }
    }

    private static void send(ChannelHandlerContext ctx) {
      DefaultFullHttpRequest request =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/version");
      request.headers().set(HttpHeaderNames.HOST, "localhost");
      ctx.writeAndFlush(request);
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

  /** The status line of a plain-HTTP GET; its body is read and dropped. */
  private static String get(URI uri) throws IOException {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + uri.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("GET " + uri + ": the connection closed before a whole head");
        }
        head.append((char) b);
      }
      long length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Long.parseLong(line.substring(15).trim());
        }
      }
      in.skipNBytes(length);
      return head.toString().lines().findFirst().orElse("");
    }
  }
}
