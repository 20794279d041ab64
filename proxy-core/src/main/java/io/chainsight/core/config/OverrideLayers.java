package io.chainsight.core.config;

import static io.chainsight.core.config.Reference.ENV_NAMES;
import static io.chainsight.core.config.Reference.FILE_ONLY;
import static io.chainsight.core.config.Reference.KEYS;
import static io.chainsight.core.config.Reference.REFERENCE;
import static io.chainsight.core.config.Reference.ROOT;
import static io.chainsight.core.config.Reference.fileOnly;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The layers above the config file, given as text: {@code CHAINSIGHT_*} environment variables and
 * command-line overrides. Each value keeps its origin, so a problem names the variable or option.
 */
final class OverrideLayers {
  private static final String COMMAND_LINE = "command-line option";

  private OverrideLayers() {}

  static Config environment(Map<String, String> env, List<String> problems) {
    Config layer = ConfigFactory.empty();
    for (String key : KEYS.keySet()) {
      String name = ENV_NAMES.get(key);
      String text = env.get(name);
      if (text != null && fileOnly(key)) {
        problems.add(
            key
                + ": set by environment variable "
                + name
                + ", but "
                + key
                + " is read from the config "
                + "file only (expected: "
                + key
                + " = "
                + FILE_ONLY.get(key)
                + " in the file; unset "
                + name
                + ")");
      } else if (text != null) {
        layer = layer.withValue(key, fromText(key, text, "environment variable " + name));
      }
    }
    return layer;
  }

  static Config commandLine(Map<String, String> overrides, List<String> problems) {
    Config layer = ConfigFactory.empty();
    for (Map.Entry<String, String> override : new TreeMap<>(overrides).entrySet()) {
      String key =
          override.getKey().startsWith(ROOT + ".")
              ? override.getKey().substring(ROOT.length() + 1)
              : override.getKey();
      if (!KEYS.containsKey(key)) {
        problems.add(
            Reference.unknownKey(key, REFERENCE.root().keySet(), List.of())
                + ", from "
                + COMMAND_LINE);
        continue;
      }
      if (fileOnly(key)) {
        problems.add(
            key
                + ": given as a "
                + COMMAND_LINE
                + ", but "
                + key
                + " is read from the config file only "
                + "(expected: "
                + key
                + " = "
                + FILE_ONLY.get(key)
                + " in the file)");
        continue;
      }
      layer = layer.withValue(key, fromText(key, override.getValue(), COMMAND_LINE));
    }
    return layer;
  }

  /** A value given as text; a list key takes a comma-separated list. */
  private static ConfigValue fromText(String key, String text, String origin) {
    Object value = text;
    if (KEYS.get(key) == ConfigValueType.LIST) {
      value =
          Arrays.stream(text.split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .collect(Collectors.toList());
    }
    return ConfigValueFactory.fromAnyRef(value).withOrigin(ConfigOriginFactory.newSimple(origin));
  }
}
