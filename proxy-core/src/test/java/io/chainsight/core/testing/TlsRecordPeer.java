package io.chainsight.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * One end of a TLS connection (client, or server for a backend stand-in) that does a real handshake
 * with the JDK's SSLEngine over a plain socket, so that afterwards a test can put any bytes on the
 * wire (a record the engine would never produce, say one over 2^14 bytes) and still read what the
 * other end answers, decrypted: the alert it sends, and whether it closes.
 */
public final class TlsRecordPeer implements AutoCloseable {
  private final Socket socket;
  private final SSLEngine engine;
  private final InputStream in;
  private final OutputStream out;
  private ByteBuffer inbound; // network bytes not yet unwrapped, in read mode

  private TlsRecordPeer(Socket socket, SSLEngine engine) throws IOException {
    this.socket = socket;
    this.engine = engine;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.inbound = ByteBuffer.allocate(0);
  }

  /** Connects and completes the handshake with {@code protocol} (e.g. TLSv1.3). */
  public static TlsRecordPeer connect(SSLContext context, int port, String protocol)
      throws IOException {
    SSLEngine engine = context.createSSLEngine("localhost", port);
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(new String[] {protocol});
    return handshake(new Socket("127.0.0.1", port), engine);
  }

  /**
   * Accepts one connection on {@code server} and completes the handshake as the server, asking for
   * a client certificate.
   */
  public static TlsRecordPeer accept(SSLContext context, ServerSocket server) throws IOException {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setWantClientAuth(true);
    return handshake(server.accept(), engine);
  }

  private static TlsRecordPeer handshake(Socket socket, SSLEngine engine) throws IOException {
    TlsRecordPeer peer = new TlsRecordPeer(socket, engine);
    try {
      socket.setSoTimeout(10_000);
      peer.handshake();
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return peer;
  }

  private void handshake() throws IOException {
    engine.beginHandshake();
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    while (true) {
      switch (engine.getHandshakeStatus()) {
        case NEED_WRAP:
          ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
          engine.wrap(empty, net);
          net.flip();
          out.write(net.array(), 0, net.limit());
          out.flush();
          break;
        case NEED_UNWRAP:
        case NEED_UNWRAP_AGAIN:
          app.clear();
          SSLEngineResult result = engine.unwrap(inbound, app);
          if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            if (!readMore()) {
              throw new IOException("the peer closed the connection during the handshake");
            }
          }
          break;
        case NEED_TASK:
          Runnable task;
          while ((task = engine.getDelegatedTask()) != null) {
            task.run();
          }
          break;
        default:
          return;
      }
    }
  }

  /** The protocol the handshake settled on. */
  public String protocol() {
    return engine.getSession().getProtocol();
  }

  /** Encrypts {@code bytes} as application data, as a well-behaved client would. */
  public TlsRecordPeer send(byte[] bytes) throws IOException {
    ByteBuffer source = ByteBuffer.wrap(bytes);
    while (source.hasRemaining()) {
      ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.wrap(source, net);
      net.flip();
      out.write(net.array(), 0, net.limit());
    }
    out.flush();
    return this;
  }

  /**
   * Reads and decrypts until the plaintext received so far contains {@code expected}; returns it.
   */
  public String awaitPlaintext(String expected) throws IOException {
    StringBuilder plaintext = new StringBuilder();
    while (plaintext.indexOf(expected) < 0) {
      ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
      SSLEngineResult result = engine.unwrap(inbound, app);
      app.flip();
      plaintext.append(StandardCharsets.ISO_8859_1.decode(app));
      if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !readMore()) {
        throw new IOException(
            "the peer closed the connection before sending \""
                + expected
                + "\"; got: "
                + plaintext);
      }
    }
    return plaintext.toString();
  }

  /** Puts one record on the wire as given: type, version 0x0303, and a body nobody encrypted. */
  public TlsRecordPeer sendRawRecord(int type, byte[] body) throws IOException {
    byte[] record = new byte[5 + body.length];
    record[0] = (byte) type;
    record[1] = 3;
    record[2] = 3;
    record[3] = (byte) (body.length >> 8);
    record[4] = (byte) body.length;
    System.arraycopy(body, 0, record, 5, body.length);
    out.write(record);
    out.flush();
    return this;
  }

  /**
   * Reads until the other end closes the connection, decrypting as it goes, and says how it ended:
   * after how long, and the alert it sent (as the JDK words it). Fails if the connection is still
   * open after {@code within}.
   */
  public Ending awaitClose(Duration within) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) within.toMillis());
    String alert = null;
    ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
    try {
      while (true) {
        if (alert == null && inbound.hasRemaining()) {
          ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
          try {
            SSLEngineResult result = engine.unwrap(inbound, app);
            app.flip();
            plaintext.write(app.array(), 0, app.limit());
            if (result.getStatus() == SSLEngineResult.Status.OK
                || result.getStatus() == SSLEngineResult.Status.CLOSED) {
              if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                alert = "close_notify";
              }
              continue;
            }
          } catch (SSLException e) {
            alert = e.getMessage();
          }
        }
        if (!readMore()) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the other end kept the connection open for "
              + within.toMillis()
              + " ms; alert seen: "
              + alert,
          e);
    } catch (IOException e) {
      // A reset after the alert: the connection is closed all the same.
    }
    return new Ending(
        (System.nanoTime() - start) / 1_000_000,
        alert,
        plaintext.toString(StandardCharsets.ISO_8859_1));
  }

  private boolean readMore() throws IOException {
    byte[] buffer = new byte[32 * 1024];
    int n = in.read(buffer);
    if (n < 0) {
      return false;
    }
    ByteBuffer joined = ByteBuffer.allocate(inbound.remaining() + n);
    joined.put(inbound).put(buffer, 0, n).flip();
    inbound = joined;
    return true;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * How a connection ended: after how long, the alert the other end sent (as the JDK words it), and
   * any application data that came before.
   */
  public record Ending(long millis, String alert, String plaintext) {}
}
