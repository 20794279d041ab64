package io.chainsight.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.core.util.Separators.Spacing;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The three ways chainsight lays out JSON. Each writes a tree of plain values (maps in insertion
 * order, lists, strings, numbers, booleans, null, and Jackson's {@code RawValue} for JSON rendered
 * elsewhere) through databind, or lets a caller stream with Jackson's {@link JsonGenerator}.
 *
 * <p>In every layout a number that is not finite (a summary quantile with no observations is NaN)
 * is written as {@code null}, since JSON has no NaN, and U+2028/U+2029 are escaped, since some log
 * viewers and JavaScript readers break lines at them.
 */
public enum JsonLayout {
  /** {@code {"a":1,"b":[2,3]}} on one line: a diagnosis, {@code probe --json}. */
  COMPACT(new MinimalPrettyPrinter()),

  /**
   * Two spaces per level, one member per line, {@code "name": value}, empty containers as {@code
   * {}} and {@code []}: the admin endpoints, as docs/admin.md shows them.
   */
  INDENTED(
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""))
          .withObjectIndenter(new DefaultIndenter("  ", "\n"))
          .withArrayIndenter(new DefaultIndenter("  ", "\n"))),

  /**
   * {@code {"code": 502, "status": "...", "results": {}}} on one line: Python's {@code json.dumps}
   * layout, which the Keylime registrar answers in; the answers chainsight writes in its envelope
   * read the same.
   */
  REGISTRAR(
      new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Spacing.AFTER)
                  .withObjectEntrySpacing(Spacing.AFTER)
                  .withArrayValueSpacing(Spacing.AFTER)
                  .withObjectEmptySeparator("")
                  .withArrayEmptySeparator(""))
          .withObjectIndenter(DefaultPrettyPrinter.NopIndenter.instance)
          .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance));

  /** What streams one JSON value into a generator. */
  @FunctionalInterface
  public interface Body {
    void writeTo(JsonGenerator json) throws IOException;
  }

  private final ObjectWriter writer;

  JsonLayout(PrettyPrinter prettyPrinter) {
    this.writer = Shared.MAPPER.writer(prettyPrinter);
  }

  /** A tree of plain values as JSON text (no trailing newline). */
  public String write(Object value) {
    try {
      return writer.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException("JSON: cannot write a " + value.getClass().getName(), e);
    }
  }

  /** What {@code body} streams, as JSON text (no trailing newline). */
  public String write(Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = writer.createGenerator(out)) {
      body.writeTo(json);
    } catch (IOException e) {
      // A StringWriter does not fail: this is a body that broke the generator's rules.
      throw new IllegalStateException("JSON: " + e.getMessage(), e);
    }
    return out.toString();
  }

  /** One mapper for the three layouts (an enum's constructor cannot read the enum's statics). */
  private static final class Shared {
    static final ObjectMapper MAPPER = mapper();
  }

  private static ObjectMapper mapper() {
    SimpleModule nonFinite = new SimpleModule("chainsight-non-finite-as-null");
    nonFinite.addSerializer(Double.class, new NonFiniteAsNull<>(Double.class));
    nonFinite.addSerializer(Double.TYPE, new NonFiniteAsNull<>(Double.TYPE));
    nonFinite.addSerializer(Float.class, new NonFiniteAsNull<>(Float.class));
    nonFinite.addSerializer(Float.TYPE, new NonFiniteAsNull<>(Float.TYPE));
    JsonMapper mapper = JsonMapper.builder().addModule(nonFinite).build();
    mapper.getFactory().setCharacterEscapes(new LineSeparatorEscapes());
    return mapper;
  }

  /** NaN and the infinities as {@code null}; any other double or float as Jackson writes it. */
  private static final class NonFiniteAsNull<T extends Number> extends StdSerializer<T> {
    NonFiniteAsNull(Class<T> type) {
      super(type);
    }

    @Override
    public void serialize(T value, JsonGenerator json, SerializerProvider provider)
        throws IOException {
      if (!Double.isFinite(value.doubleValue())) {
        json.writeNull();
      } else if (value instanceof Float) {
        json.writeNumber(value.floatValue());
      } else {
        json.writeNumber(value.doubleValue());
      }
    }
  }

  /** Jackson's standard escapes, plus U+2028 and U+2029 as six-character {@code \\u} escapes. */
  private static final class LineSeparatorEscapes extends CharacterEscapes {
    private static final SerializableString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializableString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == 0x2028 ? LINE_SEPARATOR : ch == 0x2029 ? PARAGRAPH_SEPARATOR : null;
    }
  }
}
