package io.chainsight.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the configuration in layers (reference.conf defaults, then the config file, then {@code CHAINSIGHT_*}
 * environment variables, then command-line overrides), checks every key and value, and maps the result into
 * the settings records. The only class that speaks Typesafe Config. It collects every problem before failing,
 * so one run of {@code check-config} lists them all.
 *
 * <p>The set of keys, their types and their environment variables all come from reference.conf (keys without a
 * default are declared there as {@code null}), so a new key is one line there plus one argument in
 * {@link #build}.
 */
public final class ConfigLoader {
  /** Names the config file when {@code -c} is not given. */
  public static final String CONFIG_FILE_ENV = "CHAINSIGHT_CONFIG";

  private static final String ROOT = "chainsight";
  private static final String ENV_PREFIX = "CHAINSIGHT_";
  private static final String COMMAND_LINE = "command-line option";
  /** Stands in for a required path that is missing, so the record's other checks still run. */
  private static final Path UNSET = Path.of("<not set>");
  private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

  /** The defaults, below {@code chainsight}. */
  private static final Config REFERENCE = ConfigFactory
      .parseResources(ConfigLoader.class.getClassLoader(), "reference.conf").resolve().getConfig(ROOT);

  /** Every key below {@code chainsight} with the type of its default (NULL: no default). */
  private static final SortedMap<String, ConfigValueType> KEYS = leaves(REFERENCE.root());

  /** Keys and the sections that hold them: what a mistyped key is compared with. */
  private static final SortedSet<String> KNOWN_PATHS = knownPaths();

  private static final Map<String, String> ENV_NAMES = envNames();

  private ConfigLoader() {}

  /**
   * Loads and checks the configuration.
   *
   * @param file the config file, if any; relative paths in it resolve against its directory
   * @param env the process environment ({@code CHAINSIGHT_*} variables override the file)
   * @param overrides key (below {@code chainsight}) to value, from command-line options; override everything
   */
  public static ChainsightConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides)
      throws ConfigException {
    return loadEffective(file, env, overrides).config();
  }

  /** Like {@link #load}, also keeping each key's effective value and origin (secrets redacted). */
  public static EffectiveConfig loadEffective(
      Optional<Path> file, Map<String, String> env, Map<String, String> overrides) throws ConfigException {
    List<String> problems = new ArrayList<>();
    Optional<Path> source = file.map(p -> p.toAbsolutePath().normalize());
    Config fromFile = source.isPresent() ? readFile(source.get(), problems) : ConfigFactory.empty();
    Config merged = overrideLayer(overrides, problems)
        .withFallback(envLayer(env))
        .withFallback(fromFile)
        .withFallback(REFERENCE);
    Path fileDirectory = source.map(Path::getParent).orElse(Path.of("").toAbsolutePath());
    Values values = new Values(merged, fileDirectory, problems);
    ChainsightConfig config = build(values, source);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new EffectiveConfig(config, values.entries());
  }

  /** Every key, as a path below {@code chainsight} ({@code tls.client-auth}), in order. */
  public static List<String> keys() {
    return List.copyOf(KEYS.keySet());
  }

  /** The environment variable for a key: {@code tls.client-auth} is {@code CHAINSIGHT_TLS_CLIENT_AUTH}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** One line per section; a value that fails its check is replaced by its default so later checks still run. */
  private static ChainsightConfig build(Values v, Optional<Path> source) {
    ListenSettings listen = v.build(() -> new ListenSettings(v.string("listen.host"), v.integer("listen.port")));
    TlsSettings tls = v.build(() -> new TlsSettings(
        v.requiredPath("tls.certificate-chain"), v.requiredPath("tls.private-key"),
        v.choice("tls.client-auth", TlsSettings.ClientAuth.class), v.optionalPath("tls.trusted-cas"),
        v.paths("tls.crls"), v.strings("tls.protocols"), v.duration("tls.handshake-timeout"),
        v.choice("tls.client-auth-failure", TlsSettings.ClientAuthFailure.class)));
    BackendSettings backend = v.build(() -> new BackendSettings(v.url("backend.url"),
        v.duration("backend.connect-timeout"), v.duration("backend.response-timeout"),
        v.integer("backend.max-idle-connections")));
    AdminSettings admin = v.build(() -> new AdminSettings(v.bool("admin.enabled"), v.string("admin.host"),
        v.integer("admin.port"), v.optionalString("admin.token")));
    LimitsSettings limits = v.build(() -> new LimitsSettings(v.bytes("limits.max-request-line"),
        v.bytes("limits.max-header-size"), v.integer("limits.max-headers"), v.bytes("limits.max-body-size"),
        v.duration("limits.request-header-timeout"), v.duration("limits.idle-timeout"),
        v.integer("limits.max-connections"), v.integer("limits.max-connections-per-ip")));
    ShutdownSettings shutdown = v.build(() -> new ShutdownSettings(v.duration("shutdown.drain-timeout")));
    DiagnosticsSettings diagnostics = v.build(() -> new DiagnosticsSettings(
        v.duration("diagnostics.dedup-window"), v.integer("diagnostics.recent")));
    LogSettings log = v.build(() -> new LogSettings(v.choice("log.format", LogSettings.Format.class),
        v.bool("log.access")));
    return v.problems.isEmpty()
        ? new ChainsightConfig(listen, tls, backend, limits, shutdown, admin, diagnostics, log, List.of(), List.of(), source)
        : null;
  }

  // ---- the layers ----

  /**
   * The file's {@code chainsight} object, substitutions resolved, with its keys checked against reference.conf.
   * A file that cannot be read or parsed fails at once: there is nothing to check further.
   */
  private static Config readFile(Path file, List<String> problems) throws ConfigException {
    if (!Files.exists(file)) {
      throw new ConfigException(file + " does not exist (expected: a HOCON config file; check the path given "
          + "with -c/--config or " + CONFIG_FILE_ENV + ")");
    }
    if (Files.isDirectory(file)) {
      throw new ConfigException(file + " is a directory (expected: a HOCON config file, e.g. "
          + file.resolve("chainsight.conf") + ")");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigException(file + " cannot be read: permission denied (expected: readable by the user "
          + "running chainsight)");
    }
    Config parsed;
    try {
      parsed = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(where(e.origin(), file) + ": HOCON syntax error: " + detail(e)
          + " (expected: valid HOCON, e.g. chainsight { listen { port = 8443 } })");
    }
    try {
      // Substitutions may name defaults (${chainsight.listen.port}) as well as the file's own keys.
      parsed = parsed.resolveWith(parsed.withFallback(REFERENCE.atKey(ROOT)));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(where(e.origin(), file) + ": " + detail(e) + " (expected: a key defined in "
          + "the file or an environment variable; write ${?NAME} for one that may be absent)");
    }
    for (Map.Entry<String, ConfigValue> top : parsed.root().entrySet()) {
      if (!top.getKey().equals(ROOT) && REFERENCE.root().containsKey(top.getKey())) {
        problems.add(top.getKey() + ": found at the top level, outside chainsight { } (expected: "
            + ROOT + " { " + top.getKey() + " { ... } }; move it inside)" + suffix(top.getValue().origin()));
      }
    }
    ConfigValue root = parsed.root().get(ROOT);
    if (root == null) {
      return ConfigFactory.empty();
    }
    if (root.valueType() != ConfigValueType.OBJECT) {
      problems.add(ROOT + ": " + root.render(CONCISE) + " (expected: an object, " + ROOT + " { ... })"
          + suffix(root.origin()));
      return ConfigFactory.empty();
    }
    List<List<String>> misshapen = new ArrayList<>();
    checkKeys((ConfigObject) root, REFERENCE.root(), List.of(), problems, misshapen);
    Config config = ((ConfigObject) root).toConfig();
    for (List<String> path : misshapen) {
      // Reported already; dropping it lets the default stand in, so the rest is still checked.
      config = config.withoutPath(ConfigUtil.joinPath(path));
    }
    return config;
  }

  /** Unknown keys, and objects where a value belongs (or the reverse), compared with reference.conf. */
  private static void checkKeys(ConfigObject actual, ConfigObject reference, List<String> prefix,
      List<String> problems, List<List<String>> misshapen) {
    for (Map.Entry<String, ConfigValue> entry : actual.entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(entry.getKey());
      String key = String.join(".", path);
      ConfigValue value = entry.getValue();
      ConfigValue expected = reference.get(entry.getKey());
      if (expected == null) {
        problems.add(unknownKey(key, reference.keySet(), prefix) + suffix(value.origin()));
      } else if (expected.valueType() == ConfigValueType.OBJECT && value.valueType() == ConfigValueType.OBJECT) {
        checkKeys((ConfigObject) value, (ConfigObject) expected, path, problems, misshapen);
      } else if (expected.valueType() == ConfigValueType.OBJECT) {
        problems.add(key + ": " + value.render(CONCISE) + " (expected: an object with "
            + prefixed(key, ((ConfigObject) expected).keySet()) + ")" + suffix(value.origin()));
        misshapen.add(path);
      } else if (value.valueType() == ConfigValueType.OBJECT) {
        problems.add(key + ": " + value.render(CONCISE) + " (expected: a single value, not an object; e.g. "
            + key + " = " + example(key) + ")" + suffix(value.origin()));
        misshapen.add(path);
      }
    }
  }

  private static String unknownKey(String key, Iterable<String> siblings, List<String> prefix) {
    Optional<String> suggestion = DidYouMean.closest(key, KNOWN_PATHS);
    if (suggestion.isPresent()) {
      return key + ": unknown key (did you mean " + suggestion.get() + "?)";
    }
    String section = String.join(".", prefix);
    return key + ": unknown key (expected: one of " + prefixed(section, siblings) + ")";
  }

  private static Config envLayer(Map<String, String> env) {
    Config layer = ConfigFactory.empty();
    for (String key : KEYS.keySet()) {
      String name = ENV_NAMES.get(key);
      String text = env.get(name);
      if (text != null) {
        layer = layer.withValue(key, fromText(key, text, "environment variable " + name));
      }
    }
    return layer;
  }

  private static Config overrideLayer(Map<String, String> overrides, List<String> problems) {
    Config layer = ConfigFactory.empty();
    for (Map.Entry<String, String> override : new TreeMap<>(overrides).entrySet()) {
      String key = override.getKey().startsWith(ROOT + ".")
          ? override.getKey().substring(ROOT.length() + 1) : override.getKey();
      if (!KEYS.containsKey(key)) {
        problems.add(unknownKey(key, REFERENCE.root().keySet(), List.of()) + ", from " + COMMAND_LINE);
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
      value = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .collect(Collectors.toList());
    }
    return ConfigValueFactory.fromAnyRef(value).withOrigin(ConfigOriginFactory.newSimple(origin));
  }

  // ---- origins and names ----

  /**
   * Where a value came from: {@code FILE:LINE}, {@code environment variable NAME}, {@code command-line option}
   * or {@code default}.
   */
  private static String where(ConfigOrigin origin) {
    if (origin.resource() != null) {
      return "default";
    }
    if (origin.filename() != null) {
      return origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }
    return origin.description();
  }

  private static String where(ConfigOrigin origin, Path file) {
    return origin == null ? file.toString() : where(origin);
  }

  /** What a problem message ends with: {@code , at FILE:LINE} or {@code , from environment variable NAME}. */
  private static String suffix(ConfigOrigin origin) {
    if (origin.resource() != null) {
      return "";
    }
    return (origin.filename() != null ? ", at " : ", from ") + where(origin);
  }

  /** The message of a Typesafe exception without the origin it starts with (we print our own). */
  private static String detail(com.typesafe.config.ConfigException e) {
    String message = e.getMessage();
    if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
      return message.substring(e.origin().description().length() + 2);
    }
    return message;
  }

  private static String prefixed(String section, Iterable<String> keys) {
    List<String> names = new ArrayList<>();
    keys.forEach(k -> names.add(section.isEmpty() ? k : section + "." + k));
    Collections.sort(names);
    return String.join(", ", names);
  }

  private static String example(String key) {
    ConfigValue value = rawValue(REFERENCE, key);
    return value == null || value.valueType() == ConfigValueType.NULL ? "\"...\"" : value.render(CONCISE);
  }

  /** The value at a key, nulls included (Config.getValue refuses them). */
  private static ConfigValue rawValue(Config config, String key) {
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

  private static void addLeaves(ConfigObject object, String prefix, Map<String, ConfigValueType> into) {
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
        throw new IllegalStateException("reference.conf: " + clash + " and " + key + " both map to " + name
            + " (expected: keys that differ by more than '.', '-' and '_')");
      }
      byKey.put(key, name);
    }
    return Map.copyOf(byKey);
  }

  /** Typed reads from the merged config, each recording a problem and falling back to the default on failure. */
  private static final class Values {
    private final Config config;
    private final Path fileDirectory;
    private final Path workingDirectory = Path.of("").toAbsolutePath();
    private final List<String> problems;
    /** Paths as resolved, shown by {@link #entries()} instead of the text that was written. */
    private final Map<String, String> resolved = new HashMap<>();

    Values(Config config, Path fileDirectory, List<String> problems) {
      this.config = config;
      this.fileDirectory = fileDirectory;
      this.problems = problems;
    }

    /** Runs a record constructor; its own check failing becomes a problem naming where the value came from. */
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
      return read(key, "a size in bytes such as " + example(key).replace("\"", "") + ", 16K or 16M",
          (c, k) -> Math.toIntExact(c.getBytes(k)));
    }

    boolean bool(String key) {
      return read(key, "true or false", Config::getBoolean);
    }

    Duration duration(String key) {
      return read(key, "a duration such as " + example(key).replace("\"", "") + ", 500ms or 2m",
          Config::getDuration);
    }

    List<String> strings(String key) {
      return read(key, "a list of strings, e.g. " + example(key), Config::getStringList);
    }

    <E extends Enum<E>> E choice(String key, Class<E> type) {
      String choices = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
          .collect(Collectors.joining(", "));
      return read(key, "one of " + choices,
          (c, k) -> Enum.valueOf(type, c.getString(k).trim().toUpperCase(Locale.ROOT)));
    }

    URI url(String key) {
      return read(key, "a URL such as " + example(key).replace("\"", ""), (c, k) -> {
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
        problems.add(key + ": not set (expected: the path of a PEM file; set " + key + " in the config file or "
            + ENV_NAMES.get(key) + " in the environment)");
        return UNSET;
      }
      return read(key, "a file path", (c, k) -> path(k, c.getString(k), c.getValue(k).origin()), () -> UNSET);
    }

    Optional<Path> optionalPath(String key) {
      if (!isSet(key)) {
        return Optional.empty();
      }
      return read(key, "a file path",
          (c, k) -> Optional.of(path(k, c.getString(k), c.getValue(k).origin())), Optional::empty);
    }

    List<Path> paths(String key) {
      return read(key, "a list of file paths, e.g. [\"crl.pem\"]", (c, k) -> {
        List<Path> paths = new ArrayList<>();
        ConfigList list = c.getList(k);
        for (ConfigValue element : list) {
          if (element.valueType() != ConfigValueType.STRING) {
            throw new IllegalArgumentException("not a string: " + element.render(CONCISE));
          }
          paths.add(path(null, (String) element.unwrapped(), element.origin()));
        }
        resolved.put(k, paths.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(",", "[", "]")));
        return List.copyOf(paths);
      });
    }

    /** Relative paths from the config file resolve against its directory, others against the working one. */
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
      return value != null && value.valueType() != ConfigValueType.NULL
          && !(value.valueType() == ConfigValueType.STRING && ((String) value.unwrapped()).isBlank());
    }

    private <T> T read(String key, String expected, BiFunction<Config, String, T> reader) {
      return read(key, expected, reader, () -> reader.apply(REFERENCE, key));
    }

    private <T> T read(String key, String expected, BiFunction<Config, String, T> reader, Supplier<T> fallback) {
      try {
        return reader.apply(config, key);
      } catch (com.typesafe.config.ConfigException | IllegalArgumentException e) {
        ConfigValue value = rawValue(config, key);
        String shown = value == null ? "null" : value.render(CONCISE);
        problems.add(key + ": " + shown + " (expected: " + expected + ")"
            + (value == null ? "" : suffix(value.origin())));
        return fallback.get();
      }
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
        entries.add(new EffectiveConfig.Entry(key, shown, value == null ? "default" : where(value.origin())));
      }
      return entries;
    }
  }
}
