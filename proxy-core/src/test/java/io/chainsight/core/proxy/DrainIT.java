package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainsight.core.testing.ProxyExtension;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SIGTERM's graceful stop: the request in flight completes, new connections are refused. */
class DrainIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  @Test
  void slowRequestInFlightCompletesAndNewConnectionsAreRefused() throws Exception {
    ChainsightServer server = proxy.start();
    int port = proxy.port();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(proxy.agentContext())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    while (proxy.backend().received().isEmpty()) {
      Thread.sleep(20);
    }

    CompletableFuture<Void> drain = CompletableFuture.runAsync(server::drainAndClose);
    while (!server.draining()) {
      Thread.sleep(10);
    }
    Thread.sleep(200);
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);

    HttpResponse<String> response = slow.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("connection")).hasValue("close");
    drain.get(10, TimeUnit.SECONDS);
  }

  @Test
  void closeAfterADrainDoesNothing() throws Exception {
    ChainsightServer server = proxy.start();
    server.drainAndClose();

    // SIGTERM's drain and a try-with-resources (or a test's cleanup) both close the proxy.
    assertThatCode(server::close).doesNotThrowAnyException();
    assertThatCode(server::close).doesNotThrowAnyException();
  }
}
