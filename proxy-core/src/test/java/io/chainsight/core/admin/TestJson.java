package io.chainsight.core.admin;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.util.List;
import java.util.Map;

/**
 * Parses a JSON object strictly (Typesafe Config in JSON syntax: a real JSON parser already on the
 * classpath), so tests check the admin output is valid JSON and read its fields.
 */
final class TestJson {
  private TestJson() {}

  static Map<String, Object> parse(String json) {
    return ConfigFactory.parseString(
            json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON))
        .root()
        .unwrapped();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return (List<Object>) value;
  }
}
