package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RecordingBackend;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that asks for a large response and does not read it: the proxy must stop reading from
 * the backend (writability on the client side) instead of holding the response in memory, and
 * deliver all of it once the client reads.
 */
class SlowReaderIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  /**
   * Larger than what the kernel buffers of both hops can hold (tcp_rmem may autotune to 32 MB
   * here).
   */
  private static final long SIZE = 128L * 1024 * 1024;

  /**
   * What the proxy may hold for one stalled exchange: its buffers and TLS records, far below SIZE.
   */
  private static final long MEMORY_BOUND = 16L * 1024 * 1024;

  @Test
  void clientThatDoesNotReadStallsTheBackendInsteadOfFillingTheProxysMemory() throws Exception {
    SSLContext agent = proxy.agentContext();
    proxy.start();
    // The proxy's channels allocate from the default allocator (adaptive in Netty 4.2), in this
    // JVM.
    ByteBufAllocatorMetric allocator =
        ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();

    try (SSLSocket socket = (SSLSocket) agent.getSocketFactory().createSocket()) {
      socket.setReceiveBufferSize(
          64 * 1024); // set before connecting: a client window that stays small
      socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      long before = allocator.usedDirectMemory() + allocator.usedHeapMemory();
      String request =
          "GET /bytes/" + SIZE + " HTTP/1.1\r\nHost: registrar\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();

      // Read nothing for three seconds, watching the proxy's buffer memory.
      long peak = 0;
      for (int i = 0; i < 30; i++) {
        Thread.sleep(100);
        peak = Math.max(peak, allocator.usedDirectMemory() + allocator.usedHeapMemory() - before);
      }
      long stalledAt = proxy.backend().bytesSent();
      Thread.sleep(500);
      System.out.printf(
          "SlowReaderIT: backend stalled at %d of %d bytes; proxy buffer memory grew by at most %d "
              + "bytes%n",
          stalledAt, SIZE, peak);
      assertThat(proxy.backend().bytesSent())
          .as("backend bytes written while the client reads nothing")
          .isEqualTo(stalledAt)
          .isLessThan(SIZE / 2);
      assertThat(peak)
          .as("growth of the proxy's buffer memory (Netty default allocator)")
          .isLessThan(MEMORY_BOUND);

      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-length: " + SIZE);
      assertThat(readAndCheckBody(in)).isEqualTo(SIZE);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        throw new AssertionError("the proxy closed before the response head ended: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads to the end of the stream, checking each byte against the backend's pattern; returns the
   * count.
   */
  private static long readAndCheckBody(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long offset = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] != RecordingBackend.byteAt(offset + i)) {
          throw new AssertionError(
              "body byte "
                  + (offset + i)
                  + " is "
                  + buffer[i]
                  + " (expected: "
                  + RecordingBackend.byteAt(offset + i)
                  + ")");
        }
      }
      offset += n;
    }
    return offset;
  }
}
