package io.chainsight.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile HTTP/1.1 requests for a seeded fuzz run: a valid request from a small corpus with up to
 * three mutations of the kinds request smuggling and parser-differential attacks use (framing
 * headers duplicated, altered or obfuscated, bytes flipped, inserted or deleted, CR/LF/NUL
 * injected, lines oversized, the stream truncated). The same seed gives the same requests. Every
 * corpus request carries {@code X-Fuzz-Case: N}, so a request the backend records can be traced to
 * its input, and its body is itself a request line, so a body that a parser took for a request
 * would show up at the backend without the headers the proxy adds.
 */
public final class HttpMutations {
  /** A body that looks like a request of its own (the classic smuggling payload). */
  public static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

  private static final byte[] INTERESTING = {
    '\r',
    '\n',
    0,
    ' ',
    '\t',
    ':',
    ',',
    ';',
    '"',
    0x7f,
    (byte) 0x80,
    (byte) 0xff,
    '0',
    '9',
    'a',
    '/',
    '?',
    '%',
    '\\',
    0x0b,
    0x0c
  };
  private static final String[] CONTENT_LENGTHS = {
    "0",
    "1",
    "5",
    "-1",
    " 5",
    "5 ",
    "+5",
    "0x10",
    "05",
    "5, 5",
    "5,6",
    "",
    "1e3",
    "99999999999999999999",
    "4294967301",
    "16777217"
  };
  private static final String[] TRANSFER_CODINGS = {
    "chunked",
    "Chunked",
    " chunked",
    "chunked ",
    "chunked, chunked",
    "gzip, chunked",
    "chunked, gzip",
    "identity",
    "x",
    "\tchunked",
    "chunked\u0000",
    "chunk",
    "\"chunked\""
  };
  private static final String[] FRAMING_NAMES = {
    "Content-Length",
    "Transfer-Encoding",
    "Content-Length ",
    "Transfer-Encoding\t",
    "Transfer_Encoding",
    "content-length",
    "TRANSFER-ENCODING",
    " Content-Length",
    "Content-Length\u0000"
  };
  private static final String[] VERSIONS = {
    "HTTP/1.0",
    "HTTP/2.0",
    "HTTP/1.10",
    "http/1.1",
    "HTTP/1",
    "HTTP/0.9",
    "HTTP/1.1 ",
    "HTTP /1.1",
    "HTTP/3"
  };
  private static final String[] METHODS = {
    "get",
    "CONNECT",
    "TRACE",
    "PRI",
    "GE T",
    "G\u0000ET",
    "OPTIONS",
    "PATCH",
    "POST",
    "HEAD",
    "DELETE",
    "X-METHOD"
  };
  private static final String[] CHUNK_SIZES = {
    "ffffffffffffffff", "-1", "5;ext=\"x\"", "5 ", " 5", "0x5", "5;", "10000000000", "5\u0000"
  };

  /**
   * One generated request: the bytes to send, where to split them into writes, and how it was made.
   */
  public record Case(int number, byte[] bytes, int[] splits, String recipe) {
    /** The bytes with CR, LF, NUL and other controls made visible, for failure messages. */
    public String printable() {
      StringBuilder text = new StringBuilder();
      for (byte b : bytes) {
        int c = b & 0xff;
        text.append(
            c == '\r'
                ? "\\r"
                : c == '\n'
                    ? "\\n\n"
                    : c < 0x20 || c >= 0x7f
                        ? String.format("\\x%02x", c)
                        : String.valueOf((char) c));
      }
      return text.length() > 2000
          ? text.substring(0, 2000) + "... (" + bytes.length + " bytes)"
          : text.toString();
    }

    public boolean isHead() {
      return bytes.length >= 5
          && new String(bytes, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
    }
  }

  private final Random random;

  public HttpMutations(long seed) {
    this.random = new Random(seed);
  }

  /** The valid requests mutations start from; {@code n} goes into X-Fuzz-Case. */
  static List<String> corpus(int n) {
    String fuzz = "X-Fuzz-Case: " + n + "\r\n";
    String chunked =
        Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n3\r\nend\r\n0\r\n\r\n";
    return List.of(
        "GET /version HTTP/1.1\r\nHost: registrar\r\n" + fuzz + "User-Agent: fuzz\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: registrar\r\n"
            + fuzz
            + "Content-Type: application/json\r\nContent-Length: "
            + SMUGGLED.length()
            + "\r\n\r\n"
            + SMUGGLED,
        "POST /v2/agents/agent-1 HTTP/1.1\r\nHost: registrar\r\n"
            + fuzz
            + "Transfer-Encoding: chunked\r\n\r\n"
            + chunked,
        "HEAD /version HTTP/1.1\r\nHost: registrar\r\n" + fuzz + "\r\n",
        "PUT /v2/agents/agent-1/activate HTTP/1.1\r\nHost: registrar\r\n"
            + fuzz
            + "Content-Length: 2\r\n\r\n{}",
        "DELETE /v2/agents/agent-1 HTTP/1.1\r\nHost: registrar\r\n"
            + fuzz
            + "Connection: close\r\n\r\n",
        "GET /v2/agents/?x=1&y=%41 HTTP/1.1\r\nHost: registrar\r\n"
            + fuzz
            + "\r\nPOST /echo HTTP/1.1\r\n"
            + "Host: registrar\r\n"
            + fuzz
            + "Content-Length: 5\r\n\r\nhello",
        "POST /echo HTTP/1.1\r\nHost: registrar\r\n"
            + fuzz
            + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n"
            + "hello",
        "GET /version HTTP/1.0\r\nHost: registrar\r\n" + fuzz + "\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: registrar\r\n" + fuzz + "\r\n",
        "POST /echo HTTP/1.1\r\nHost: registrar\r\n"
            + fuzz
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "5;name=value\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n");
  }

  /**
   * The next request: a corpus entry with up to three mutations; one in ten goes out intact, so the
   * exchanges that follow a hostile one on the backend pool are also exercised.
   */
  public Case next(int number) {
    List<String> corpus = corpus(number);
    int base = random.nextInt(corpus.size());
    String text = corpus.get(base);
    StringBuilder recipe = new StringBuilder("corpus[" + base + "]");
    int roll = random.nextInt(20);
    int mutations = roll < 2 ? 0 : roll < 12 ? 1 : roll < 17 ? 2 : 3;
    for (int i = 0; i < mutations; i++) {
      int kind = random.nextInt(14);
      text = mutate(kind, text);
      recipe.append(" + ").append(NAMES[kind]);
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return new Case(number, bytes, splits(bytes.length), recipe.toString());
  }

  private static final String[] NAMES = {
    "flip",
    "insert",
    "delete",
    "duplicate-header",
    "content-length",
    "transfer-encoding",
    "framing-name",
    "truncate",
    "inject-crlf-nul",
    "oversize",
    "version",
    "method",
    "absolute-target",
    "chunk-size"
  };

  private String mutate(int kind, String text) {
    switch (kind) {
      case 0:
        { // flip one bit
          if (text.isEmpty()) {
            return text;
          }
          int at = random.nextInt(text.length());
          return text.substring(0, at)
              + (char) ((text.charAt(at) ^ (1 << random.nextInt(8))) & 0xff)
              + text.substring(at + 1);
        }
      case 1: // insert an interesting byte
        return insert(
            text,
            random.nextInt(text.length() + 1),
            String.valueOf((char) (INTERESTING[random.nextInt(INTERESTING.length)] & 0xff)));
      case 2:
        { // delete a few bytes
          if (text.isEmpty()) {
            return text;
          }
          int at = random.nextInt(text.length());
          return text.substring(0, at)
              + text.substring(Math.min(text.length(), at + 1 + random.nextInt(8)));
        }
      case 3:
        { // duplicate a header line (Host, Content-Length, Transfer-Encoding...)
          List<int[]> lines = headerLines(text);
          if (lines.isEmpty()) {
            return text;
          }
          int[] line = lines.get(random.nextInt(lines.size()));
          return insert(text, line[1], text.substring(line[0], line[1]));
        }
      case 4: // add a Content-Length, often contradicting the body
        return insertHeader(
            text, "Content-Length: " + CONTENT_LENGTHS[random.nextInt(CONTENT_LENGTHS.length)]);
      case 5: // add a Transfer-Encoding, plain or obfuscated
        return insertHeader(
            text,
            "Transfer-Encoding: " + TRANSFER_CODINGS[random.nextInt(TRANSFER_CODINGS.length)]);
      case 6: // a framing header whose name is bent (space or tab before the colon, underscore,
        // NUL)
        return insertHeader(
            text,
            FRAMING_NAMES[random.nextInt(FRAMING_NAMES.length)]
                + ": "
                + (random.nextBoolean() ? "chunked" : "3"));
      case 7: // the client stops sending part-way
        return text.isEmpty() ? text : text.substring(0, random.nextInt(text.length()));
      case 8:
        { // CR alone, LF alone, NUL, CRLF, or a line folded onto the previous one
          String[] injected = {"\r", "\n", "\u0000", "\r\n", "\r\n ", "\n\n", "\r\r\n"};
          return insert(
              text, random.nextInt(text.length() + 1), injected[random.nextInt(injected.length)]);
        }
      case 9: // over a limit: request line (8K), one header (16K in all), or the number of headers
        // (100)
        switch (random.nextInt(3)) {
          case 0:
            return text.replaceFirst(" /", " /" + "a".repeat(8_200 + random.nextInt(200)) + "/");
          case 1:
            return insertHeader(text, "X-Big: " + "b".repeat(16_400 + random.nextInt(200)));
          default:
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 101; i++) {
              many.append("X-H").append(i).append(": v").append(i < 100 ? "\r\n" : "");
            }
            return insertHeader(text, many.toString());
        }
      case 10:
        return text.replaceFirst("HTTP/1\\.[01]", VERSIONS[random.nextInt(VERSIONS.length)]);
      case 11:
        {
          int space = text.indexOf(' ');
          return space < 0 ? text : METHODS[random.nextInt(METHODS.length)] + text.substring(space);
        }
      case 12:
        return text.replaceFirst(
            " /", random.nextBoolean() ? " http://evil.example/" : " //evil.example/");
      default:
        { // a chunk size that overflows, is negative, or carries an odd extension
          int body = text.indexOf("\r\n\r\n");
          String size = CHUNK_SIZES[random.nextInt(CHUNK_SIZES.length)];
          if (body < 0) {
            return text;
          }
          return insertHeader(
              text.substring(0, body + 4) + size + "\r\nhello\r\n0\r\n\r\n",
              "Transfer-Encoding: chunked");
        }
    }
  }

  /** [start, end) of each header line, its CRLF included, in the first head of {@code text}. */
  private static List<int[]> headerLines(String text) {
    List<int[]> lines = new ArrayList<>();
    int end = text.indexOf("\r\n\r\n");
    int at = text.indexOf("\r\n");
    while (at >= 0 && at < end) {
      int next = text.indexOf("\r\n", at + 2);
      if (next < 0) {
        break;
      }
      lines.add(new int[] {at + 2, next + 2});
      at = next;
    }
    return lines;
  }

  /**
   * After the request line, so it is a header of the first request (if the request line is still
   * there).
   */
  private static String insertHeader(String text, String header) {
    int line = text.indexOf("\r\n");
    return line < 0 ? text + "\r\n" + header : insert(text, line + 2, header + "\r\n");
  }

  private static String insert(String text, int at, String what) {
    return text.substring(0, at) + what + text.substring(at);
  }

  /**
   * Where to cut the bytes into separate writes (so separate TLS records): usually none, sometimes
   * one or two.
   */
  private int[] splits(int length) {
    if (length < 2 || random.nextInt(4) != 0) {
      return new int[0];
    }
    return random.ints(1 + random.nextInt(2), 1, length).sorted().distinct().toArray();
  }

  /** The bytes cut at {@code splits}. */
  public static List<byte[]> segments(Case c) {
    List<byte[]> parts = new ArrayList<>();
    int from = 0;
    for (int cut : c.splits()) {
      parts.add(Arrays.copyOfRange(c.bytes(), from, cut));
      from = cut;
    }
    parts.add(Arrays.copyOfRange(c.bytes(), from, c.bytes().length));
    return parts;
  }
}
