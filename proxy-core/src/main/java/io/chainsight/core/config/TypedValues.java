package io.chainsight.core.config;

import static io.chainsight.core.config.Origins.suffix;
import static io.chainsight.core.config.Origins.where;
import static io.chainsight.core.config.Reference.CONCISE;
import static io.chainsight.core.config.Reference.ENV_NAMES;
import static io.chainsight.core.config.Reference.KEYS;
import static io.chainsight.core.config.Reference.REFERENCE;
import static io.chainsight.core.config.Reference.example;
import static io.chainsight.core.config.Reference.rawValue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.chainsight.core.access.AccessRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Typed reads from the merged config (all layers), each recording a problem and falling back to the
 * default on failure, so later checks still run; the lists of objects go to {@link
 * ObjectListReader}. Also renders each key's effective value and origin for {@code check-config}.
 */
final class TypedValues {
  /** Stands in for a required path that is missing, so the record's other checks still run. */
  private static final Path UNSET = Path.of("<not set>");

  private final Config config;
  private final Path fileDirectory;
  private final Path workingDirectory = Path.of("").toAbsolutePath();
  private final List<String> problems;

  private final ObjectListReader lists;

  /** Paths as resolved, shown by {@link #entries()} instead of the text that was written. */
  private final Map<String, String> resolved = new HashMap<>();

  TypedValues(Config config, Path fileDirectory, List<String> problems) {
    this.config = config;
    this.fileDirectory = fileDirectory;
    this.problems = problems;
    this.lists = new ObjectListReader(problems, (text, origin) -> path(null, text, origin));
  }

  boolean hasProblems() {
    return !problems.isEmpty();
  }

  /**
   * Runs a record constructor; its own check failing becomes a problem naming where the value came
   * from.
   */
  <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      int colon = message.indexOf(':');
      String key = colon > 0 ? message.substring(0, colon) : "";
      ConfigValue value = KEYS.containsKey(key) ? rawValue(config, key) : null;
      boolean set = value != null && value.valueType() != ConfigValueType.NULL;
      problems.add(message + (set ? suffix(value.origin()) : ""));
      return null;
    }
  }

  String string(String key) {
    return read(key, "a string", Config::getString);
  }

  int integer(String key) {
    return read(key, "an integer, e.g. " + example(key), Config::getInt);
  }

  int bytes(String key) {
    return read(
        key,
        "a size in bytes such as " + example(key).replace("\"", "") + ", 16K or 16M",
        (c, k) -> Math.toIntExact(c.getBytes(k)));
  }

  boolean bool(String key) {
    return read(key, "true or false", Config::getBoolean);
  }

  Duration duration(String key) {
    return read(
        key,
        "a duration such as " + example(key).replace("\"", "") + ", 500ms or 2m",
        Config::getDuration);
  }

  List<String> strings(String key) {
    return read(key, "a list of strings, e.g. " + example(key), Config::getStringList);
  }

  <E extends Enum<E>> E choice(String key, Class<E> type) {
    String choices =
        Arrays.stream(type.getEnumConstants())
            .map(c -> c.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));
    return read(
        key,
        "one of " + choices,
        (c, k) -> Enum.valueOf(type, c.getString(k).trim().toUpperCase(Locale.ROOT)));
  }

  URI url(String key) {
    return read(
        key,
        "a URL such as " + example(key).replace("\"", ""),
        (c, k) -> {
          try {
            return new URI(c.getString(k).trim());
          } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        });
  }

  Optional<String> optionalString(String key) {
    if (!isSet(key)) {
      return Optional.empty();
    }
    return read(key, "a string", (c, k) -> Optional.of(c.getString(k)), Optional::empty);
  }

  Path requiredPath(String key) {
    if (!isSet(key)) {
      problems.add(
          key
              + ": not set (expected: the path of a PEM file; set "
              + key
              + " in the config file or "
              + ENV_NAMES.get(key)
              + " in the environment)");
      return UNSET;
    }
    return read(
        key, "a file path", (c, k) -> path(k, c.getString(k), c.getValue(k).origin()), () -> UNSET);
  }

  Optional<Path> optionalPath(String key) {
    if (!isSet(key)) {
      return Optional.empty();
    }
    return read(
        key,
        "a file path",
        (c, k) -> Optional.of(path(k, c.getString(k), c.getValue(k).origin())),
        Optional::empty);
  }

  List<Path> paths(String key) {
    return read(
        key,
        "a list of file paths, e.g. [\"crl.pem\"]",
        (c, k) -> {
          List<Path> paths = new ArrayList<>();
          ConfigList list = c.getList(k);
          for (ConfigValue element : list) {
            if (element.valueType() != ConfigValueType.STRING) {
              throw new IllegalArgumentException("not a string: " + element.render(CONCISE));
            }
            paths.add(path(null, (String) element.unwrapped(), element.origin()));
          }
          resolved.put(
              k,
              paths.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(",", "[", "]")));
          return List.copyOf(paths);
        });
  }

  /**
   * Relative paths from the config file resolve against its directory, others against the working
   * one.
   */
  private Path path(String key, String text, ConfigOrigin origin) {
    Path path = Path.of(text.trim());
    if (!path.isAbsolute()) {
      boolean fromFile = origin.resource() == null && origin.filename() != null;
      path = (fromFile ? fileDirectory : workingDirectory).resolve(path);
    }
    path = path.normalize();
    if (key != null) {
      resolved.put(key, "\"" + path + "\"");
    }
    return path;
  }

  private boolean isSet(String key) {
    ConfigValue value = rawValue(config, key);
    return value != null
        && value.valueType() != ConfigValueType.NULL
        && !(value.valueType() == ConfigValueType.STRING && ((String) value.unwrapped()).isBlank());
  }

  private <T> T read(String key, String expected, BiFunction<Config, String, T> reader) {
    return read(key, expected, reader, () -> reader.apply(REFERENCE, key));
  }

  private <T> T read(
      String key, String expected, BiFunction<Config, String, T> reader, Supplier<T> fallback) {
    try {
      return reader.apply(config, key);
    } catch (com.typesafe.config.ConfigException | IllegalArgumentException e) {
      ConfigValue value = rawValue(config, key);
      String shown = value == null ? "null" : value.render(CONCISE);
      problems.add(
          key
              + ": "
              + shown
              + " (expected: "
              + expected
              + ")"
              + (value == null ? "" : suffix(value.origin())));
      return fallback.get();
    }
  }

  // ---- lists of objects: access.allow and routes ----

  List<AccessRule> rules(String key) {
    return lists.rules(key, rawValue(config, key));
  }

  List<RouteSettings> routes(String key) {
    return lists.routes(key, rawValue(config, key));
  }

  /** Each key's effective value and origin, secrets redacted. */
  List<EffectiveConfig.Entry> entries() {
    List<EffectiveConfig.Entry> entries = new ArrayList<>();
    for (String key : KEYS.keySet()) {
      ConfigValue value = rawValue(config, key);
      String shown;
      if (!isSet(key)) {
        shown = EffectiveConfig.NOT_SET;
      } else if (key.equals("admin.token") || key.contains("private-key")) {
        shown = EffectiveConfig.REDACTED;
      } else {
        shown = resolved.getOrDefault(key, value.render(CONCISE));
      }
      entries.add(
          new EffectiveConfig.Entry(key, shown, value == null ? "default" : where(value.origin())));
    }
    return entries;
  }
}
