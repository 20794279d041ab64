package io.chainsight.core.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedObjectsAndArraysWithCommas() {
    String json =
        new Json()
            .beginObject()
            .name("a")
            .value(1)
            .name("b")
            .beginArray()
            .value("x")
            .value(true)
            .nullValue()
            .beginObject()
            .endObject()
            .endArray()
            .name("c")
            .value((String) null)
            .endObject()
            .toString();

    assertThat(json).isEqualTo("{\"a\":1,\"b\":[\"x\",true,null,{}],\"c\":null}");
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    String nasty = "say \"hi\"\\ \n\r\t\b\f \u0001 \u2028 é";
    String json = new Json().beginObject().name("s").value(nasty).endObject().toString();

    assertThat(json).isEqualTo("{\"s\":\"say \\\"hi\\\"\\\\ \\n\\r\\t\\b\\f \\u0001 \\u2028 é\"}");
    assertThat(parse(json).getString("s")).isEqualTo(nasty);
  }

  @Test
  void refusesANameOutsideAnObject() {
    assertThatThrownBy(() -> new Json().name("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outside an object");
  }

  static Config parse(String json) {
    return ConfigFactory.parseString(
        json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
  }
}
