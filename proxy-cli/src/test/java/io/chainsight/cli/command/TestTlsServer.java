package io.chainsight.cli.command;

import io.chainsight.core.certs.HeldCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS server on 127.0.0.1 and a free port, presenting a given chain and answering every
 * request with 200; optionally requiring client certificates issued under given CAs. Or, with
 * {@link #plain()}, a server that answers in plain HTTP, for "not TLS".
 */
final class TestTlsServer implements AutoCloseable {
  private final ServerSocket socket;
  private final boolean plain;
  private final Thread acceptor;

  private TestTlsServer(ServerSocket socket, boolean plain) {
    this.socket = socket;
    this.plain = plain;
    this.acceptor = new Thread(this::serve, "test-tls-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static TestTlsServer start(
      HeldCertificate leaf,
      List<HeldCertificate> chainAfterLeaf,
      Optional<HeldCertificate> requiredClientCa)
      throws GeneralSecurityException, IOException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    X509Certificate[] chain = new X509Certificate[chainAfterLeaf.size() + 1];
    chain[0] = leaf.certificate();
    for (int i = 0; i < chainAfterLeaf.size(); i++) {
      chain[i + 1] = chainAfterLeaf.get(i).certificate();
    }
    keys.setKeyEntry("server", leaf.privateKey(), "test".toCharArray(), chain);
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "test".toCharArray());
    TrustManagerFactory trustManagers = null;
    if (requiredClientCa.isPresent()) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("client-ca", requiredClientCa.get().certificate());
      trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        keyManagers.getKeyManagers(),
        trustManagers == null ? null : trustManagers.getTrustManagers(),
        null);
    SSLServerSocket server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(requiredClientCa.isPresent());
    return new TestTlsServer(server, false);
  }

  static TestTlsServer plain() throws IOException {
    return new TestTlsServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), true);
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        if (plain) {
          // Like an HTTP server handed a TLS ClientHello: one read, then 400.
          client.getInputStream().read(new byte[4096]);
          client
              .getOutputStream()
              .write(
                  "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          continue;
        }
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        String line = in.readLine();
        while (line != null && !line.isEmpty()) {
          line = in.readLine();
        }
        OutputStream out = client.getOutputStream();
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // A client the server rejected, or one that went away: the probe reports it, the server
        // carries on.
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
