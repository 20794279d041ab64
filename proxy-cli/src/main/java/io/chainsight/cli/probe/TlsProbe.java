package io.chainsight.cli.probe;

import io.chainsight.core.certs.BouncyCastle;
import io.chainsight.core.diagnose.TlsAlert;
import io.chainsight.core.tls.FixedClientKeyManager;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * One TLS connection to a server: captures the chain it presents (accepting it whatever it is),
 * then sends one HTTP request and reads the status line, which tells whether a client certificate
 * was accepted (in TLS 1.3 a server rejects it only after the client's handshake is done, with an
 * alert on the first read).
 */
public final class TlsProbe {

  /**
   * What the server presented, and how it answered.
   *
   * @param requestedClientIssuers the CA names the server asked client certificates from (known
   *     only when we offered one)
   */
  public record Result(
      List<X509Certificate> serverChain,
      String protocol,
      String cipherSuite,
      Optional<Integer> httpStatus,
      Optional<String> httpStatusLine,
      Optional<TlsAlert> alert,
      Optional<String> error,
      List<String> requestedClientIssuers) {

    /** The server took our request (and our client certificate, if we sent one). */
    public boolean accepted() {
      return alert.isEmpty()
          && error.isEmpty()
          && httpStatus.isPresent()
          && httpStatus.get() != 401
          && httpStatus.get() != 403
          && httpStatus.get() != 495
          && httpStatus.get() != 496;
    }
  }

  private final String host;
  private final int port;
  private final String path;
  private final Duration timeout;
  private final Optional<KeyManager[]> clientCredentials;

  public TlsProbe(
      String host,
      int port,
      String path,
      Duration timeout,
      Optional<KeyManager[]> clientCredentials) {
    this.host = host;
    this.port = port;
    this.path = path;
    this.timeout = timeout;
    this.clientCredentials = clientCredentials;
  }

  /**
   * A key manager that presents {@code chain} (leaf first) with {@code key}, whatever CAs the
   * server asks for.
   */
  public static KeyManager[] clientCredentials(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException {
    return new KeyManager[] {FixedClientKeyManager.of(chain, key)};
  }

  public Result run() throws ProbeException {
    CapturingTrustManager capture = new CapturingTrustManager();
    SSLSocket socket;
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(clientCredentials.orElse(null), new TrustManager[] {capture}, null);
      socket = (SSLSocket) context.getSocketFactory().createSocket();
    } catch (GeneralSecurityException | IOException e) {
      throw new ProbeException("cannot set up a TLS client: " + e.getMessage(), e);
    }
    String where = host + ":" + port;
    try {
      int millis = (int) timeout.toMillis();
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      if (!isIpLiteral(host)) {
        // The JDK sends no SNI for names without a dot ("localhost"); a server may pick its
        // certificate by it.
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(host)));
        socket.setSSLParameters(parameters);
      }
      try {
        socket.startHandshake();
      } catch (SSLException e) {
        if (capture.serverChain().isEmpty()) {
          throw new ProbeException(
              where
                  + " did not complete a TLS handshake up to its certificate: "
                  + e.getMessage()
                  + " (expected: a TLS server; is this the TLS port, and do TLS versions and ciphers overlap?)",
              e);
        }
        // The chain arrived; the server refused us later (a TLS 1.2 server rejecting our client
        // certificate).
        return result(
            capture,
            socket,
            Optional.empty(),
            TlsAlert.fromMessage(e.getMessage()),
            Optional.of(e.getMessage()));
      } catch (IOException e) {
        if (capture.serverChain().isEmpty() || e instanceof SocketTimeoutException) {
          throw e;
        }
        // The server sent its chain, then hung up while we were still writing our certificate
        // flight (TLS 1.2, or a TLS 1.3 server that closes at once): the write fails with
        // "Broken pipe" or a reset before we can read its alert.
        return hungUp(capture, socket, "during the handshake, after sending its certificate", e);
      }
      return request(capture, socket);
    } catch (UnknownHostException e) {
      throw new ProbeException(
          host + ": unknown host (expected: a resolvable name or an IP address)", e);
    } catch (ConnectException e) {
      throw new ProbeException(
          "cannot connect to "
              + where
              + ": "
              + e.getMessage()
              + " (expected: a TLS server listening there; check the address, the port and firewalls)",
          e);
    } catch (SocketTimeoutException e) {
      throw new ProbeException(
          where
              + " did not answer within "
              + timeout.toSeconds()
              + " s (expected: a TLS server; "
              + "check the address, the port and firewalls)",
          e);
    } catch (IOException e) {
      throw new ProbeException("connection to " + where + " failed: " + e.getMessage(), e);
    } finally {
      closeQuietly(socket);
    }
  }

  /**
   * Closing sends close_notify, which fails with "Broken pipe" when the server already hung up (as
   * it does after rejecting our certificate); the result is known by then, so that failure must not
   * replace it.
   */
  private static void closeQuietly(SSLSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing left to learn from this connection.
    }
  }

  private Result request(CapturingTrustManager capture, SSLSocket socket) throws IOException {
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + hostHeader()
            + "\r\nUser-Agent: chainsight-probe\r\n"
            + "Accept: */*\r\nConnection: close\r\n\r\n";
    try {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String statusLine = in.readLine();
      if (statusLine == null) {
        return result(
            capture,
            socket,
            Optional.empty(),
            Optional.empty(),
            Optional.of("the server closed the connection without an HTTP response"));
      }
      String[] parts = statusLine.split(" ", 3);
      Optional<Integer> status =
          parts.length >= 2 && parts[1].matches("\\d{3}")
              ? Optional.of(Integer.parseInt(parts[1]))
              : Optional.empty();
      return new Result(
          chain(capture),
          socket.getSession().getProtocol(),
          socket.getSession().getCipherSuite(),
          status,
          Optional.of(statusLine),
          Optional.empty(),
          Optional.empty(),
          requestedIssuers());
    } catch (SSLException e) {
      // TLS 1.3: the server's verdict on our client certificate arrives as an alert on the first
      // read.
      return result(
          capture,
          socket,
          Optional.empty(),
          TlsAlert.fromMessage(e.getMessage()),
          Optional.of(e.getMessage()));
    } catch (SocketTimeoutException e) {
      return result(
          capture,
          socket,
          Optional.empty(),
          Optional.empty(),
          Optional.of("no HTTP response within " + timeout.toSeconds() + " s"));
    } catch (IOException e) {
      // A reset right after the handshake: the server hung up on us, and TCP may have dropped its
      // alert.
      return hungUp(capture, socket, "right after the handshake", e);
    }
  }

  private Result hungUp(
      CapturingTrustManager capture, SSLSocket socket, String when, IOException e) {
    return result(
        capture,
        socket,
        Optional.empty(),
        Optional.empty(),
        Optional.of(
            "the server closed the connection "
                + when
                + " ("
                + e.getMessage()
                + "); it most likely rejected our client certificate, and its alert was lost"));
  }

  private Result result(
      CapturingTrustManager capture,
      SSLSocket socket,
      Optional<Integer> status,
      Optional<TlsAlert> alert,
      Optional<String> error) {
    return new Result(
        chain(capture),
        socket.getSession().getProtocol(),
        socket.getSession().getCipherSuite(),
        status,
        Optional.empty(),
        alert,
        error,
        requestedIssuers());
  }

  private List<String> requestedIssuers() {
    return clientCredentials
        .map(km -> ((FixedClientKeyManager) km[0]).requestedIssuers())
        .orElse(List.of());
  }

  /**
   * The captured chain, re-read with Bouncy Castle like every other certificate chainsight handles.
   */
  private static List<X509Certificate> chain(CapturingTrustManager capture) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509", BouncyCastle.provider());
      for (X509Certificate certificate : capture.serverChain()) {
        chain.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(certificate.getEncoded())));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the server's certificate cannot be re-read: " + e.getMessage(), e);
    }
    return chain;
  }

  private String hostHeader() {
    String name = host.contains(":") ? "[" + host + "]" : host;
    return port == 443 ? name : name + ":" + port;
  }

  static boolean isIpLiteral(String host) {
    return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
  }
}
