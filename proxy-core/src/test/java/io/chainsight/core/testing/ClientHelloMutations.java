package io.chainsight.core.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Broken TLS openings for a seeded fuzz run: real ClientHellos (the JDK's, offering TLS 1.3 and
 * 1.2, and a TLS 1.2 only one) truncated, bit-flipped, with record or handshake lengths that lie, a
 * wrong record type, fragmented into tiny records, sent twice, followed by garbage; and a few
 * openings that are no TLS at all.
 */
public final class ClientHelloMutations {
  private final Random random;
  private final List<byte[]> hellos;

  public ClientHelloMutations(long seed, SSLContext client) {
    this.random = new Random(seed);
    this.hellos =
        List.of(clientHello(client, "TLSv1.3", "TLSv1.2"), clientHello(client, "TLSv1.2"));
  }

  /**
   * The first flight of a JDK client: one TLS record holding the ClientHello, as it would go on the
   * wire.
   */
  public static byte[] clientHello(SSLContext context, String... protocols) {
    try {
      SSLEngine engine = context.createSSLEngine("localhost", 443);
      engine.setUseClientMode(true);
      engine.setEnabledProtocols(protocols);
      ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.beginHandshake();
      engine.wrap(ByteBuffer.allocate(0), out);
      out.flip();
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      if (bytes.length < 9 || bytes[0] != 0x16 || bytes[5] != 0x01) {
        throw new IllegalStateException(
            "the JDK's first flight is not a ClientHello record: "
                + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 9))));
      }
      return bytes;
    } catch (SSLException e) {
      throw new IllegalStateException(
          "cannot produce a ClientHello with the test client's SSLContext", e);
    }
  }

  /**
   * {@code record} (one ClientHello record) with a padding extension (RFC 7685) grown so that the
   * ClientHello's body is {@code bodyLength} bytes, cut into records of 2^14 bytes. At most 65,535
   * bytes of padding fit in the extension.
   */
  public static byte[] padded(byte[] record, int bodyLength) {
    byte[] message = Arrays.copyOfRange(record, 5, record.length);
    int length = message.length - 4;
    int at = 4 + 2 + 32;
    at += 1 + (message[at] & 0xff); // session id
    at += 2 + (((message[at] & 0xff) << 8) | (message[at + 1] & 0xff)); // cipher suites
    at += 1 + (message[at] & 0xff); // compression methods
    int extensions = ((message[at] & 0xff) << 8) | (message[at + 1] & 0xff);
    int padding = bodyLength - length - 4;
    if (padding < 0 || padding > 0xffff || extensions + 4 + padding > 0xffff) {
      throw new IllegalArgumentException(
          "cannot pad a " + length + "-byte ClientHello to " + bodyLength + " bytes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.write(bodyLength >> 16);
    out.write(bodyLength >> 8);
    out.write(bodyLength);
    out.write(message, 4, at - 4);
    out.write((extensions + 4 + padding) >> 8);
    out.write(extensions + 4 + padding);
    out.write(0);
    out.write(21); // padding
    out.write(padding >> 8);
    out.write(padding);
    out.write(new byte[padding], 0, padding);
    out.write(message, at + 2, message.length - at - 2);
    byte[] grown = out.toByteArray();
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (int from = 0; from < grown.length; from += 1 << 14) {
      int size = Math.min(1 << 14, grown.length - from);
      records.write(0x16);
      records.write(3);
      records.write(1);
      records.write(size >> 8);
      records.write(size);
      records.write(grown, from, size);
    }
    return records.toByteArray();
  }

  /** The next opening and how it was made. */
  public Opening next() {
    byte[] hello = hellos.get(random.nextInt(hellos.size())).clone();
    int kind = random.nextInt(10);
    switch (kind) {
      case 0:
        return new Opening(Arrays.copyOf(hello, 1 + random.nextInt(hello.length - 1)), "truncated");
      case 1:
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
          hello[random.nextInt(hello.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return new Opening(hello, "bits flipped");
      case 2:
        putShort(
            hello,
            3,
            pick(0, 1, 0x3fff, 0x4001, 0xffff, (hello.length - 5) + 1, (hello.length - 5) - 1));
        return new Opening(hello, "record length lies");
      case 3:
        hello[6] = (byte) random.nextInt(256);
        hello[7] = (byte) random.nextInt(256);
        hello[8] = (byte) random.nextInt(256);
        return new Opening(hello, "handshake length lies");
      case 4:
        // A 16-bit length inside the hello (cipher suites, extensions, key shares...) overwritten.
        putShort(
            hello,
            9 + random.nextInt(hello.length - 10),
            pick(0, 1, 0xffff, random.nextInt(0x10000)));
        return new Opening(hello, "inner length overwritten");
      case 5:
        hello[0] = (byte) pick(0x14, 0x15, 0x17, 0x18, 0x80, 0x00);
        hello[1] = (byte) pick(3, 2, 0xff);
        return new Opening(hello, "record type or version changed");
      case 6:
        return new Opening(fragment(hello, 1 + random.nextInt(16)), "fragmented into tiny records");
      case 7:
        return new Opening(concat(hello, hello), "sent twice");
      case 8:
        byte[] garbage = new byte[1 + random.nextInt(2048)];
        random.nextBytes(garbage);
        return new Opening(concat(hello, garbage), "followed by garbage");
      default:
        return notTls();
    }
  }

  private Opening notTls() {
    switch (random.nextInt(4)) {
      case 0:
        byte[] garbage = new byte[1 + random.nextInt(4096)];
        random.nextBytes(garbage);
        return new Opening(garbage, "random bytes");
      case 1:
        return new Opening(
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            "plain HTTP on the TLS port");
      case 2:
        return new Opening(
            new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01}, "SSLv2-style hello, cut short");
      default:
        return new Opening(new byte[] {0x16, 0x03, 0x01}, "three bytes of a record header");
    }
  }

  /**
   * The ClientHello message re-cut into records of at most {@code size} bytes each (legal TLS,
   * rarely seen).
   */
  private static byte[] fragment(byte[] record, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int from = 5; from < record.length; from += size) {
      int length = Math.min(size, record.length - from);
      out.write(record[0]);
      out.write(record[1]);
      out.write(record[2]);
      out.write(length >> 8);
      out.write(length);
      out.write(record, from, length);
    }
    return out.toByteArray();
  }

  private int pick(int... values) {
    return values[random.nextInt(values.length)];
  }

  private static void putShort(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >> 8);
    bytes[at + 1] = (byte) value;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** Bytes a client opens a connection with. */
  public record Opening(byte[] bytes, String recipe) {}
}
