package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.testing.ProxyFixture;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestPki;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM's graceful stop: the request in flight completes, new connections are refused. */
class DrainIT {
  private final TestPki pki = TestPki.create();
  private final HeldCertificate agent = pki.agent("agent-1");

  @TempDir Path dir;

  private RecordingBackend backend;

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void slowRequestInFlightCompletesAndNewConnectionsAreRefused() throws Exception {
    backend = RecordingBackend.start();
    ChainsightServer proxy =
        ChainsightServer.start(
            ProxyFixture.config(pki.writeServerFiles(dir), backend.port(), ClientAuth.REQUIRE));
    int port = proxy.tlsAddress().getPort();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(pki.clientContext(agent, pki.intermediate()))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    while (backend.received().isEmpty()) {
      Thread.sleep(20);
    }

    CompletableFuture<Void> drain = CompletableFuture.runAsync(proxy::drainAndClose);
    while (!proxy.draining()) {
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
}
