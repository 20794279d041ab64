package io.chainsight.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A TLS connection that sends exactly the bytes a test writes, for framing and smuggling tests. */
public final class RawTlsClient implements AutoCloseable {
  private final SSLSocket socket;

  private RawTlsClient(SSLSocket socket) {
    this.socket = socket;
  }

  /**
   * Connects to {@code port} on 127.0.0.1 and completes the handshake, offering only {@code
   * protocols} (e.g. TLSv1.2) when given, the context's defaults otherwise.
   */
  public static RawTlsClient connect(SSLContext context, int port, String... protocols)
      throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    if (protocols.length > 0) {
      socket.setEnabledProtocols(protocols);
    }
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return new RawTlsClient(socket);
  }

  public RawTlsClient send(String bytes) throws IOException {
    socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  public RawTlsClient send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  public InputStream input() throws IOException {
    return socket.getInputStream();
  }

  /**
   * Everything until the proxy closes the connection; fails if it keeps it open past the socket
   * timeout.
   */
  public String readUntilClosed() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    InputStream in = socket.getInputStream();
    try {
      int n;
      while ((n = in.read(buffer)) != -1) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the proxy did not close the connection; got so far:\n" + all, e);
    } catch (javax.net.ssl.SSLException e) {
      // A close without close_notify after the response: what was read is the answer.
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  public void setTimeoutMillis(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
