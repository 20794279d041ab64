package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.chainsight.core.testing.ClientHelloMutations;
import io.chainsight.core.testing.ForwardedRequests;
import io.chainsight.core.testing.HttpMutations;
import io.chainsight.core.testing.LeakReports;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RawTlsClient;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.ResponseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A seeded fuzz run against the front door: thousands of mutated HTTP requests over real mTLS
 * connections and hundreds of mutated ClientHellos over raw TCP, from several clients at once, many
 * of which give up half-way. Afterwards the proxy must still serve, the backend must have seen only
 * well-formed requests that went through the proxy's request handling, no buffer may have leaked,
 * and no backend connection may be left checked out. The seed is printed; {@code
 * -Dchainsight.fuzz.seed=N} replays a run's inputs (their interleaving varies).
 */
class HostileInputIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private static final long SEED = Long.getLong("chainsight.fuzz.seed", 20_250_606L);
  private static final int REQUESTS = 2_000;
  private static final int HELLOS = 250;
  private static final int CLIENTS = 8;

  /** How long a fuzz client waits for more of a response before it gives up and goes away. */
  private static final int PATIENCE_MILLIS = 200;

  /**
   * Idle backend connections each event loop may keep; small, so that one left checked out is
   * noticed.
   */
  private static final int MAX_IDLE = 1;

  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

  /** The first few requests of each outcome, for the failure message. */
  private final Map<String, List<HttpMutations.Case>> examples = new ConcurrentHashMap<>();

  @Test
  void mutatedRequestsAndClientHellosLeaveTheProxyServingAndTheBackendClean() throws Exception {
    System.out.println(
        "HostileInputIT: seed "
            + SEED
            + " (replay its inputs with -Dchainsight.fuzz.seed="
            + SEED
            + ")");
    SSLContext client = proxy.agentContext();
    proxy.start(
        config -> config.responseTimeout(Duration.ofSeconds(10)).maxIdleConnections(MAX_IDLE));
    int port = proxy.port();

    // Every input is drawn before anything is sent, so the seed alone decides them.
    HttpMutations requestMutations = new HttpMutations(SEED);
    ClientHelloMutations helloMutations = new ClientHelloMutations(SEED, client);
    Map<Integer, HttpMutations.Case> cases = new TreeMap<>();
    List<Runnable> jobs = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      HttpMutations.Case request = requestMutations.next(i);
      cases.put(i, request);
      jobs.add(() -> sendRequest(client, port, request));
      if (i % (REQUESTS / HELLOS) == 0) {
        ClientHelloMutations.Opening opening = helloMutations.next();
        boolean reset = (i / (REQUESTS / HELLOS)) % 4 == 0; // one opening in four ends with a RST
        jobs.add(() -> sendOpening(port, opening, reset));
      }
    }
    long start = System.nanoTime();
    // Each refused request is logged at INFO; thousands of those lines would bury the build log.
    Logger frontendLog = (Logger) LoggerFactory.getLogger(FrontendHandler.class);
    Level level = frontendLog.getLevel();
    frontendLog.setLevel(Level.WARN);
    try {
      run(jobs);
    } finally {
      frontendLog.setLevel(level);
    }
    System.out.printf(
        "HostileInputIT: %d requests and %d openings in %d ms; the backend got %d requests; "
            + "outcomes %s%n",
        REQUESTS,
        jobs.size() - REQUESTS,
        (System.nanoTime() - start) / 1_000_000,
        proxy.backend().received().size(),
        new TreeMap<>(outcomes));

    // The proxy still serves a good request.
    try (RawTlsClient good = RawTlsClient.connect(client, port)) {
      assertThat(
              good.send("GET /version HTTP/1.1\r\nHost: registrar\r\nConnection: close\r\n\r\n")
                  .readUntilClosed())
          .startsWith("HTTP/1.1 200");
    }
    // The run reached the backend and was refused often enough to mean something, and no client was
    // turned away.
    assertThat(count("handshake-failed"))
        .as("valid clients whose handshake failed during the run")
        .isZero();
    assertThat(count("status 200")).as("fuzzed requests answered 200").isGreaterThan(REQUESTS / 10);
    assertThat(count("status 400")).as("fuzzed requests answered 400").isGreaterThan(REQUESTS / 5);
    // A 502 here means the backend stand-in broke off an exchange the proxy let through: the two
    // read the request
    // differently (how the Transfer-Encoding lists and trailers of FuzzFindingsIT showed up).
    assertThat(count("status 502"))
        .as("fuzzed requests answered 502, e.g.:\n%s", describe(examples.get("status 502")))
        .isZero();

    // The backend saw only well-formed requests, each of them processed by the proxy.
    List<String> malformed = new ArrayList<>();
    for (RecordingBackend.Received received : proxy.backend().received()) {
      List<String> problems = ForwardedRequests.problems(received);
      if (!problems.isEmpty()) {
        String fuzzCase = received.header("x-fuzz-case");
        HttpMutations.Case input =
            fuzzCase == null || !fuzzCase.matches("[0-9]+")
                ? null
                : cases.get(Integer.parseInt(fuzzCase));
        malformed.add(
            received.method()
                + " "
                + received.target()
                + ": "
                + problems
                + (input == null
                    ? ""
                    : "\n  from case "
                        + input.number()
                        + " ("
                        + input.recipe()
                        + "):\n"
                        + input.printable()));
      }
    }
    assertThat(malformed)
        .as("requests the backend received that break ForwardedRequests' rules")
        .isEmpty();

    // Every client is gone: only idle pooled backend connections may remain open, none checked out.
    awaitTrue(
        () -> proxy.server().metrics().clientConnections().getCount() == 0,
        Duration.ofSeconds(15),
        () ->
            "client connections still open: "
                + proxy.server().metrics().clientConnections().getCount());
    int idleAllowed = MAX_IDLE * Runtime.getRuntime().availableProcessors();
    awaitTrue(
        () -> proxy.server().metrics().backendConnections().getCount() <= idleAllowed,
        Duration.ofSeconds(10),
        () ->
            proxy.server().metrics().backendConnections().getCount()
                + " backend connections open with no client left "
                + "(expected: at most "
                + idleAllowed
                + ", backend.max-idle-connections per event loop): some were "
                + "left checked out");

    assertThat(LeakReports.collect()).as("Netty leak reports").isEmpty();
  }

  private void sendRequest(SSLContext context, int port, HttpMutations.Case request) {
    RawTlsClient client;
    try {
      client = RawTlsClient.connect(context, port);
    } catch (IOException e) {
      record("handshake-failed", null, e);
      return;
    }
    try (client) {
      client.setTimeoutMillis(PATIENCE_MILLIS);
      for (byte[] part : HttpMutations.segments(request)) {
        client.send(part);
      }
      int status = ResponseReader.readOne(client.input(), request.isHead());
      record(status == ResponseReader.NONE ? "no response" : "status " + status, request, null);
    } catch (IOException e) {
      // The proxy closed while the request was still being written (a limit or a refusal): its
      // right.
      record("closed while sending", request, null);
    }
  }

  private void sendOpening(int port, ClientHelloMutations.Opening opening, boolean reset) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      if (reset) {
        socket.setSoLinger(true, 0); // vanish with a RST instead of a FIN
      }
      socket.setSoTimeout(PATIENCE_MILLIS);
      socket.getOutputStream().write(opening.bytes());
      InputStream in = socket.getInputStream();
      int first = in.read();
      record(
          first == -1
              ? "opening: closed"
              : first == 0x15
                  ? "opening: alert"
                  : first == 0x16
                      ? "opening: handshake went on"
                      : first == 'H' ? "opening: plain 400" : "opening: other",
          null,
          null);
    } catch (IOException e) {
      record("opening: silent or reset", null, null);
    }
  }

  private void record(String outcome, HttpMutations.Case request, IOException cause) {
    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    if (request != null) {
      List<HttpMutations.Case> some =
          examples.computeIfAbsent(outcome, k -> new CopyOnWriteArrayList<>());
      if (some.size() < 3) {
        some.add(request);
      }
    }
    if (cause != null) {
      System.out.println("HostileInputIT: " + outcome + ": " + cause);
    }
  }

  private int count(String outcome) {
    AtomicInteger n = outcomes.get(outcome);
    return n == null ? 0 : n.get();
  }

  private static String describe(List<HttpMutations.Case> requests) {
    return requests == null
        ? "none"
        : String.join(
            "\n",
            requests.stream()
                .map(c -> "case " + c.number() + " (" + c.recipe() + "):\n" + c.printable())
                .toList());
  }

  private static void run(List<Runnable> jobs) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> done = new ArrayList<>();
      jobs.forEach(job -> done.add(clients.submit(job)));
      for (Future<?> job : done) {
        job.get();
      }
    } finally {
      clients.shutdownNow();
    }
  }

  private static void awaitTrue(
      BooleanSupplier condition, Duration within, Supplier<String> failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure.get());
      }
      Thread.sleep(50);
    }
  }
}
