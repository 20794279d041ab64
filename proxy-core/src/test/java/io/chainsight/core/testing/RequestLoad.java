package io.chainsight.core.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client that sends one request after another, without pause, while a test changes what the proxy
 * serves (rotates a certificate, swaps a Secret): counts the requests answered and keeps the first
 * failure, any exception or any answer the request refuses.
 */
public final class RequestLoad implements AutoCloseable {
  /** One request; throws when it fails (an {@link AssertionError} for a wrong answer). */
  @FunctionalInterface
  public interface Request {
    void send() throws Exception;
  }

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;

  private RequestLoad(String name, Request request) {
    thread =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  request.send();
                  answered.incrementAndGet();
                } catch (Exception | AssertionError e) {
                  failure.compareAndSet(null, e);
                }
              }
            },
            name);
    thread.start();
  }

  /** Starts sending {@code request} on a thread named {@code name}. */
  public static RequestLoad start(String name, Request request) {
    return new RequestLoad(name, request);
  }

  /** GET {@code uri} over {@code client}'s keep-alive connection; any answer but 200 fails. */
  public static RequestLoad keepAlive(String name, HttpClient client, URI uri) {
    return start(
        name,
        () -> {
          HttpResponse<String> response =
              client.send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            throw new AssertionError(
                "GET " + uri + " answered " + response.statusCode() + ": " + response.body());
          }
        });
  }

  /** Stops after the request under way; idempotent. */
  public void stop() throws InterruptedException {
    running.set(false);
    thread.join();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** How many requests were answered as expected. */
  public int answered() {
    return answered.get();
  }

  /** The first failure; null when none failed. */
  public Throwable failure() {
    return failure.get();
  }
}
