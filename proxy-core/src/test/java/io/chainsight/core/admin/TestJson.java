package io.chainsight.core.admin;

import io.chainsight.core.testing.StrictJson;
import java.util.List;
import java.util.Map;

/** Reads the admin output strictly (Jackson) and casts its parts for assertions. */
final class TestJson {
  private TestJson() {}

  static Map<String, Object> parse(String json) {
    return StrictJson.object(json);
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
