package io.chainsight.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/**
 * Reads JSON the way a strict client does (Jackson: one value, no trailing text, no duplicate
 * names), so a test both checks that output is valid JSON and reads its fields.
 */
public final class StrictJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private StrictJson() {}

  /** The JSON value as a tree; read fields with {@code at("/failure/step")}. */
  public static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not valid JSON: " + e.getOriginalMessage() + "\n" + json, e);
    }
  }

  /** A JSON object as maps (in document order), lists, strings, numbers, booleans and null. */
  public static Map<String, Object> object(String json) {
    try {
      return MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new AssertionError(
          "not a valid JSON object: " + e.getOriginalMessage() + "\n" + json, e);
    }
  }
}
