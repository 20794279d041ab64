package io.chainsight.core.diagnose;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming JSON writer (RFC 8259): objects, arrays, strings, numbers, booleans, null. It
 * tracks commas itself and escapes every control character, so log lines stay one line.
 *
 * <pre>{@code
 * String json = new Json().beginObject().name("reason").value("EXPIRED").endObject().toString();
 * }</pre>
 */
public final class Json {
  private final StringBuilder out = new StringBuilder();

  /** Per open container: whether it already holds an element (so the next one needs a comma). */
  private final Deque<Boolean> hasElements = new ArrayDeque<>();

  private boolean afterName;

  public Json beginObject() {
    beforeValue();
    out.append('{');
    hasElements.push(false);
    return this;
  }

  public Json endObject() {
    return close('}');
  }

  public Json beginArray() {
    beforeValue();
    out.append('[');
    hasElements.push(false);
    return this;
  }

  public Json endArray() {
    return close(']');
  }

  public Json name(String name) {
    if (afterName || hasElements.isEmpty()) {
      throw new IllegalStateException(
          "name \"" + name + "\" outside an object (expected: inside beginObject())");
    }
    separate();
    string(name);
    out.append(':');
    afterName = true;
    return this;
  }

  public Json value(String value) {
    beforeValue();
    if (value == null) {
      out.append("null");
    } else {
      string(value);
    }
    return this;
  }

  public Json value(long value) {
    beforeValue();
    out.append(value);
    return this;
  }

  public Json value(boolean value) {
    beforeValue();
    out.append(value);
    return this;
  }

  public Json nullValue() {
    beforeValue();
    out.append("null");
    return this;
  }

  /** The JSON text; complete once every begun container is ended. */
  @Override
  public String toString() {
    return out.toString();
  }

  private Json close(char bracket) {
    if (hasElements.isEmpty() || afterName) {
      throw new IllegalStateException(
          "'" + bracket + "' without a matching open container or after a name");
    }
    hasElements.pop();
    out.append(bracket);
    return this;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    separate();
  }

  private void separate() {
    if (!hasElements.isEmpty()) {
      if (hasElements.pop()) {
        out.append(',');
      }
      hasElements.push(true);
    }
  }

  private void string(String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Control characters, and the two line separators some log viewers break lines at.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
