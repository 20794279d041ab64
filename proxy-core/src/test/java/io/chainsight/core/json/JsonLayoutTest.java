package io.chainsight.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.util.RawValue;
import io.chainsight.core.testing.StrictJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLayoutTest {
  private final Map<String, Object> tree = tree();

  @Test
  void compactIsOneLineWithoutSpaces() {
    assertThat(JsonLayout.COMPACT.write(tree))
        .isEqualTo("{\"a\":1,\"b\":[\"x\",true,null],\"c\":{},\"d\":[]}");
  }

  @Test
  void registrarSpacesAfterColonsAndCommasAsPythonDoes() {
    assertThat(JsonLayout.REGISTRAR.write(tree))
        .isEqualTo("{\"a\": 1, \"b\": [\"x\", true, null], \"c\": {}, \"d\": []}");
  }

  @Test
  void indentedPutsEveryMemberOnItsOwnLine() {
    assertThat(JsonLayout.INDENTED.write(tree))
        .isEqualTo(
            "{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    true,\n    null\n  ],\n"
                + "  \"c\": {},\n  \"d\": []\n}");
  }

  @Test
  void numbersThatAreNotFiniteAreNull() {
    Map<String, Object> numbers = new LinkedHashMap<>();
    numbers.put("nan", Double.NaN);
    numbers.put("minus", Double.NEGATIVE_INFINITY);
    numbers.put("float", Float.NaN);
    numbers.put("half", 0.5f);

    assertThat(JsonLayout.COMPACT.write(numbers))
        .isEqualTo("{\"nan\":null,\"minus\":null,\"float\":null,\"half\":0.5}");
  }

  @Test
  void lineAndParagraphSeparatorsAreEscapedSoALogLineStaysOneLine() {
    String text = "a\u2028b\u2029c\nd\u00e9";

    String json = JsonLayout.COMPACT.write(text);

    assertThat(json).isEqualTo("\"a\\u2028b\\u2029c\\nd\u00e9\"").doesNotContain("\u2028");
    assertThat(StrictJson.tree(json).textValue()).isEqualTo(text);
  }

  @Test
  void rawJsonIsEmbeddedAsItIs() {
    Map<String, Object> outer = new LinkedHashMap<>();
    outer.put("diagnosis", new RawValue("{\"valid\":true}"));

    assertThat(JsonLayout.INDENTED.write(outer))
        .isEqualTo("{\n  \"diagnosis\": {\"valid\":true}\n}");
  }

  @Test
  void streamingWritesWhatTheBodyGenerates() {
    String json =
        JsonLayout.COMPACT.write(
            g -> {
              g.writeStartObject();
              g.writeNumberField("code", 502);
              g.writeNullField("results");
              g.writeEndObject();
            });

    assertThat(json).isEqualTo("{\"code\":502,\"results\":null}");
  }

  @Test
  void aBodyThatBreaksTheGeneratorsRulesIsAnError() {
    assertThatThrownBy(() -> JsonLayout.COMPACT.write(g -> g.writeFieldName("outside")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("JSON: ")
        .hasMessageContaining("Can not write a field name");
  }

  private static Map<String, Object> tree() {
    List<Object> b = new ArrayList<>();
    b.add("x");
    b.add(true);
    b.add(null);
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("a", 1);
    tree.put("b", b);
    tree.put("c", Map.of());
    tree.put("d", List.of());
    return tree;
  }
}
