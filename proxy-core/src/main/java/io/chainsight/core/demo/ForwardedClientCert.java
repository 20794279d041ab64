package io.chainsight.core.demo;

import java.util.Optional;

/**
 * Reads the {@code Subject} of an Envoy-style {@code X-Forwarded-Client-Cert} header, the identity
 * chainsight forwards: {@code Hash=...;Subject="CN=agent,O=example";DNS=...}. Elements for
 * successive proxies are separated by commas, pairs by semicolons, and values holding either are
 * quoted with {@code \"} escapes.
 */
public final class ForwardedClientCert {
  private ForwardedClientCert() {}

  /** The first element's Subject (the client the first proxy saw), or empty when there is none. */
  public static Optional<String> subject(String header) {
    if (header == null) {
      return Optional.empty();
    }
    StringBuilder key = new StringBuilder();
    StringBuilder value = new StringBuilder();
    boolean inValue = false;
    boolean quoted = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < header.length()) {
          value.append(header.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        } else {
          value.append(c);
        }
      } else if (c == '"' && inValue) {
        quoted = true;
      } else if (c == '=' && !inValue) {
        inValue = true;
      } else if (c == ';' || c == ',') {
        if (isSubject(key)) {
          return nonEmpty(value);
        }
        if (c == ',') {
          return Optional.empty();
        }
        key.setLength(0);
        value.setLength(0);
        inValue = false;
      } else if (inValue) {
        value.append(c);
      } else {
        key.append(c);
      }
    }
    return isSubject(key) ? nonEmpty(value) : Optional.empty();
  }

  private static boolean isSubject(StringBuilder key) {
    return key.toString().strip().equalsIgnoreCase("Subject");
  }

  private static Optional<String> nonEmpty(StringBuilder value) {
    return value.length() == 0 ? Optional.empty() : Optional.of(value.toString());
  }
}
