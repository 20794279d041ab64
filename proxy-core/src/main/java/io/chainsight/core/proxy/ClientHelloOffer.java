package io.chainsight.core.proxy;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a client offered in its ClientHello (TLS versions, key-exchange groups, cipher suites), read
 * off the wire so that a refused handshake can say what was offered next to what is accepted.
 *
 * @param versions offered TLS versions (supported_versions, else the legacy version), as on the
 *     wire (0x0303 = TLS 1.2)
 * @param groups offered key-exchange groups (supported_groups); empty when the extension is absent
 * @param cipherSuites offered cipher suites, as on the wire
 */
record ClientHelloOffer(List<Integer> versions, List<Integer> groups, List<Integer> cipherSuites) {
  private static final int SUPPORTED_GROUPS = 10;
  private static final int SUPPORTED_VERSIONS = 43;

  private static final Map<Integer, String> VERSION_NAMES =
      Map.of(
          0x0300, "SSLv3", 0x0301, "TLSv1", 0x0302, "TLSv1.1", 0x0303, "TLSv1.2", 0x0304,
          "TLSv1.3");

  private static final Map<Integer, String> GROUP_NAMES =
      Map.ofEntries(
          Map.entry(0x0017, "P-256"),
          Map.entry(0x0018, "P-384"),
          Map.entry(0x0019, "P-521"),
          Map.entry(0x001d, "X25519"),
          Map.entry(0x001e, "X448"),
          Map.entry(0x0100, "ffdhe2048"),
          Map.entry(0x0101, "ffdhe3072"),
          Map.entry(0x0102, "ffdhe4096"),
          Map.entry(0x0103, "ffdhe6144"),
          Map.entry(0x0104, "ffdhe8192"),
          Map.entry(0x11ec, "X25519MLKEM768"),
          Map.entry(0x6399, "X25519Kyber768Draft00"));

  private static final Map<Integer, String> CIPHER_NAMES =
      Map.ofEntries(
          Map.entry(0x1301, "TLS_AES_128_GCM_SHA256"),
          Map.entry(0x1302, "TLS_AES_256_GCM_SHA384"),
          Map.entry(0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
          Map.entry(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
          Map.entry(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
          Map.entry(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
          Map.entry(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
          Map.entry(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
          Map.entry(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
          Map.entry(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
          Map.entry(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
          Map.entry(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
          Map.entry(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
          Map.entry(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
          Map.entry(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
          Map.entry(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
          Map.entry(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
          Map.entry(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
          Map.entry(0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"));

  ClientHelloOffer {
    versions = List.copyOf(versions);
    groups = List.copyOf(groups);
    cipherSuites = List.copyOf(cipherSuites);
  }

  /**
   * Parses a ClientHello body (from legacy_version on, without the handshake header); empty when it
   * is cut short or malformed (the TLS stack then says why).
   */
  static Optional<ClientHelloOffer> parse(ByteBuf hello) {
    try {
      int at = hello.readerIndex();
      int end = hello.writerIndex();
      int legacyVersion = hello.getUnsignedShort(at);
      at += 2 + 32;
      at += 1 + hello.getUnsignedByte(at); // session id
      int suitesLength = hello.getUnsignedShort(at);
      at += 2;
      List<Integer> suites = new ArrayList<>();
      for (int i = 0; i + 1 < suitesLength; i += 2) {
        suites.add(hello.getUnsignedShort(at + i));
      }
      at += suitesLength;
      at += 1 + hello.getUnsignedByte(at); // compression methods
      List<Integer> versions = new ArrayList<>();
      List<Integer> groups = new ArrayList<>();
      if (at + 2 <= end) {
        int extensionsEnd = Math.min(end, at + 2 + hello.getUnsignedShort(at));
        at += 2;
        while (at + 4 <= extensionsEnd) {
          int type = hello.getUnsignedShort(at);
          int length = hello.getUnsignedShort(at + 2);
          int data = at + 4;
          if (data + length > extensionsEnd) {
            break;
          }
          if (type == SUPPORTED_VERSIONS && length >= 1) {
            int listLength = hello.getUnsignedByte(data);
            for (int i = 1; i + 1 <= listLength && i + 1 < length; i += 2) {
              versions.add(hello.getUnsignedShort(data + i));
            }
          } else if (type == SUPPORTED_GROUPS && length >= 2) {
            int listLength = hello.getUnsignedShort(data);
            for (int i = 2; i + 1 <= listLength + 1 && i + 1 < length; i += 2) {
              groups.add(hello.getUnsignedShort(data + i));
            }
          }
          at = data + length;
        }
      }
      if (versions.isEmpty()) {
        versions.add(legacyVersion);
      }
      return Optional.of(new ClientHelloOffer(versions, groups, suites));
    } catch (IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses an SSLv2-format ClientHello record (2-byte header): its version and cipher specs (those
   * of TLS, 0x00XXXX, kept); it can offer no groups.
   */
  static Optional<ClientHelloOffer> parseSsl2(ByteBuf record) {
    try {
      int at = record.readerIndex() + 2;
      int version = record.getUnsignedShort(at + 1);
      int specsLength = record.getUnsignedShort(at + 3);
      int specs = at + 9;
      List<Integer> suites = new ArrayList<>();
      for (int i = 0; i + 2 < specsLength; i += 3) {
        if (record.getUnsignedByte(specs + i) == 0) {
          suites.add(record.getUnsignedShort(specs + i + 1));
        }
      }
      return Optional.of(new ClientHelloOffer(List.of(version), List.of(), suites));
    } catch (IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /** {@code TLSv1.1, TLSv1} (GREASE values left out). */
  String versionNames() {
    return names(versions, VERSION_NAMES);
  }

  /** {@code P-521, ffdhe2048}, or {@code none (no supported_groups extension)}. */
  String groupNames() {
    return groups.isEmpty() ? "none (no supported_groups extension)" : names(groups, GROUP_NAMES);
  }

  /** {@code TLS_RSA_WITH_AES_128_CBC_SHA, 0x0041}. */
  String cipherNames() {
    return names(cipherSuites, CIPHER_NAMES);
  }

  private static String names(List<Integer> codes, Map<Integer, String> known) {
    List<String> names = new ArrayList<>();
    for (int code : codes) {
      if (isGrease(code)) {
        continue;
      }
      String name = known.get(code);
      names.add(name != null ? name : String.format("0x%04x", code));
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** RFC 8701 GREASE values (0x0a0a, 0x1a1a, ...): placeholders clients add, never real offers. */
  private static boolean isGrease(int code) {
    return (code & 0x0f0f) == 0x0a0a && (code >> 8) == (code & 0xff);
  }
}
