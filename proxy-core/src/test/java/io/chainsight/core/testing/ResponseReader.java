package io.chainsight.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one final HTTP/1.1 response off a stream, by its framing (Content-Length, chunked, or until
 * close), skipping 1xx responses, so a fuzz client knows when it is done without waiting for a
 * timeout. A read that times out or breaks ends it: hostile input often leaves the exchange
 * half-done, and the client then just goes away.
 */
public final class ResponseReader {
  /** No response at all: the connection closed, broke, or stayed silent. */
  public static final int NONE = -1;

  private ResponseReader() {}

  /** The status of the first final response (its body read as framed), or {@link #NONE}. */
  public static int readOne(InputStream in, boolean head) {
    try {
      while (true) {
        String responseHead = readHead(in);
        if (responseHead == null
            || responseHead.length() < 12
            || !responseHead.startsWith("HTTP/1.")) {
          return NONE;
        }
        int status = Integer.parseInt(responseHead.substring(9, 12));
        if (status >= 100 && status < 200) {
          continue;
        }
        String lower = responseHead.toLowerCase(Locale.ROOT);
        if (!head && status != 204 && status != 304) {
          int length = headerInt(lower, "content-length");
          if (length >= 0) {
            in.readNBytes(length);
          } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
            readChunks(in);
          } else {
            in.transferTo(OutputStream.nullOutputStream());
          }
        }
        return status;
      }
    } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
      // Timed out, reset, or a response this reader cannot frame: either way the client is done.
      return NONE;
    }
  }

  /** The head up to and including the blank line, or null at the end of the stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched =
          (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1)
              ? matched + 1
              : b == '\r' ? 1 : 0;
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static void readChunks(InputStream in) throws IOException {
    while (true) {
      String line = readLine(in);
      int size = Integer.parseInt(line.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailer fields
        }
        return;
      }
      in.readNBytes(size);
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    if (b == -1) {
      throw new IOException("end of stream in a chunked body");
    }
    return line.toString();
  }

  private static int headerInt(String lowerHead, String name) {
    int at = lowerHead.indexOf("\r\n" + name + ":");
    if (at < 0) {
      return -1;
    }
    int end = lowerHead.indexOf("\r\n", at + 2);
    return Integer.parseInt(lowerHead.substring(at + name.length() + 3, end).trim());
  }
}
