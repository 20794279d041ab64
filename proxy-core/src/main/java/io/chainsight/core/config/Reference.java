package io.chainsight.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * reference.conf as a schema: every key below {@code chainsight}, its type and default, its
 * environment variable, and what a mistyped key is compared with. Part of the loader ({@link
 * ConfigLoader} and its package-private helpers are the one place that speaks HOCON).
 */
final class Reference {
  static final String ROOT = "chainsight";
  static final String ENV_PREFIX = "CHAINSIGHT_";

  static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

  /** The defaults, below {@code chainsight}. */
  static final Config REFERENCE =
      ConfigFactory.parseResources(Reference.class.getClassLoader(), "reference.conf")
          .resolve()
          .getConfig(ROOT);

  /** Every key below {@code chainsight} with the type of its default (NULL: no default). */
  static final SortedMap<String, ConfigValueType> KEYS = leaves(REFERENCE.root());

  /** Keys and the sections that hold them: what a mistyped key is compared with. */
  private static final SortedSet<String> KNOWN_PATHS = knownPaths();

  static final Map<String, String> ENV_NAMES = envNames();

  /**
   * Lists of objects: read from the config file only, neither from the environment nor the command
   * line.
   */
  static final Map<String, String> FILE_ONLY =
      Map.of(
          "access.allow", "[ { subject-cn = \"keylime-tenant\" } ]",
          "routes", "[ { path-prefix = \"/version\", methods = [GET] } ]");

  /** Names people reach for that are too far from ours for edit distance, and the key they mean. */
  static final Map<String, String> ALIASES =
      Map.of(
          "allow",
          "access.allow",
          "cn",
          "subject-cn",
          "dns",
          "san-dns",
          "uri",
          "san-uri",
          "ip",
          "san-ip",
          "url",
          "backend",
          "path",
          "path-prefix",
          "prefix",
          "path-prefix",
          "method",
          "methods");

  private Reference() {}

  /**
   * The environment variable for a key: {@code tls.client-auth} is {@code
   * CHAINSIGHT_TLS_CLIENT_AUTH}.
   */
  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static boolean fileOnly(String key) {
    return FILE_ONLY.containsKey(key);
  }

  static String unknownKey(String key, Iterable<String> siblings, List<String> prefix) {
    Optional<String> suggestion =
        Optional.ofNullable(ALIASES.get(key))
            .filter(KNOWN_PATHS::contains)
            .or(() -> DidYouMean.closest(key, KNOWN_PATHS));
    if (suggestion.isPresent()) {
      return key + ": unknown key (did you mean " + suggestion.get() + "?)";
    }
    String section = String.join(".", prefix);
    return key + ": unknown key (expected: one of " + prefixed(section, siblings) + ")";
  }

  static String prefixed(String section, Iterable<String> keys) {
    List<String> names = new ArrayList<>();
    keys.forEach(k -> names.add(section.isEmpty() ? k : section + "." + k));
    Collections.sort(names);
    return String.join(", ", names);
  }

  static String example(String key) {
    if (fileOnly(key)) {
      return FILE_ONLY.get(key);
    }
    ConfigValue value = rawValue(REFERENCE, key);
    return value == null || value.valueType() == ConfigValueType.NULL
        ? "\"...\""
        : value.render(CONCISE);
  }

  /** The value at a key, nulls included (Config.getValue refuses them). */
  static ConfigValue rawValue(Config config, String key) {
    ConfigValue value = config.root();
    for (String segment : ConfigUtil.splitPath(key)) {
      if (!(value instanceof ConfigObject)) {
        return null;
      }
      value = ((ConfigObject) value).get(segment);
    }
    return value;
  }

  private static SortedMap<String, ConfigValueType> leaves(ConfigObject reference) {
    SortedMap<String, ConfigValueType> leaves = new TreeMap<>();
    addLeaves(reference, "", leaves);
    return Collections.unmodifiableSortedMap(leaves);
  }

  private static void addLeaves(
      ConfigObject object, String prefix, Map<String, ConfigValueType> into) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
      if (entry.getValue().valueType() == ConfigValueType.OBJECT) {
        addLeaves((ConfigObject) entry.getValue(), key, into);
      } else {
        into.put(key, entry.getValue().valueType());
      }
    }
  }

  private static SortedSet<String> knownPaths() {
    SortedSet<String> paths = new TreeSet<>(KEYS.keySet());
    for (String key : KEYS.keySet()) {
      for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
        paths.add(key.substring(0, dot));
      }
    }
    return Collections.unmodifiableSortedSet(paths);
  }

  private static Map<String, String> envNames() {
    Map<String, String> byKey = new HashMap<>();
    Map<String, String> byName = new HashMap<>();
    for (String key : KEYS.keySet()) {
      String name = envName(key);
      String clash = byName.put(name, key);
      if (clash != null) {
        throw new IllegalStateException(
            "reference.conf: "
                + clash
                + " and "
                + key
                + " both map to "
                + name
                + " (expected: keys that differ by more than '.', '-' and '_')");
      }
      byKey.put(key, name);
    }
    return Map.copyOf(byKey);
  }
}
