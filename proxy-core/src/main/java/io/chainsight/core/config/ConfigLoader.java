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
import io.chainsight.core.access.AccessRule;
import io.chainsight.core.access.AccessRule.InvalidRuleException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the configuration in layers (reference.conf defaults, then the config file, then {@code
 * CHAINSIGHT_*} environment variables, then command-line overrides), checks every key and value,
 * and maps the result into the settings records. The only class that speaks Typesafe Config. It
 * collects every problem before failing, so one run of {@code check-config} lists them all.
 *
 * <p>The set of keys, their types and their environment variables all come from reference.conf
 * (keys without a default are declared there as {@code null}), so a new key is one line there plus
 * one argument in {@link #build}. The two lists of objects, {@code access.allow} and {@code
 * routes}, are the exception: their elements' keys are declared here ({@link AccessRule#FIELDS},
 * {@link #ROUTE_KEYS}), and they are read from the config file only (a list of objects does not fit
 * in an environment variable).
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
  private static final Config REFERENCE =
      ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf")
          .resolve()
          .getConfig(ROOT);

  /** Every key below {@code chainsight} with the type of its default (NULL: no default). */
  private static final SortedMap<String, ConfigValueType> KEYS = leaves(REFERENCE.root());

  /** Keys and the sections that hold them: what a mistyped key is compared with. */
  private static final SortedSet<String> KNOWN_PATHS = knownPaths();

  private static final Map<String, String> ENV_NAMES = envNames();

  /**
   * Lists of objects: read from the config file only, neither from the environment nor the command
   * line.
   */
  private static final Map<String, String> FILE_ONLY =
      Map.of(
          "access.allow", "[ { subject-cn = \"keylime-tenant\" } ]",
          "routes", "[ { path-prefix = \"/version\", methods = [GET] } ]");

  /**
   * The keys of one {@code routes} element, sections and their keys included: what a typo is
   * compared with.
   */
  private static final List<String> ROUTE_KEYS =
      List.of(
          "path-prefix",
          "methods",
          "backend",
          "client-auth",
          "access",
          "access.allow",
          "connect-timeout",
          "response-timeout",
          "tls",
          "tls.certificate-chain",
          "tls.private-key",
          "tls.trusted-cas",
          "tls.server-name");

  /** Names people reach for that are too far from ours for edit distance, and the key they mean. */
  private static final Map<String, String> ALIASES =
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

  private ConfigLoader() {}

  /**
   * Loads and checks the configuration.
   *
   * @param file the config file, if any; relative paths in it resolve against its directory
   * @param env the process environment ({@code CHAINSIGHT_*} variables override the file)
   * @param overrides key (below {@code chainsight}) to value, from command-line options; override
   *     everything
   */
  public static ChainsightConfig load(
      Optional<Path> file, Map<String, String> env, Map<String, String> overrides)
      throws ConfigException {
    return loadEffective(file, env, overrides).config();
  }

  /** Like {@link #load}, also keeping each key's effective value and origin (secrets redacted). */
  public static EffectiveConfig loadEffective(
      Optional<Path> file, Map<String, String> env, Map<String, String> overrides)
      throws ConfigException {
    List<String> problems = new ArrayList<>();
    Optional<Path> source = file.map(p -> p.toAbsolutePath().normalize());
    Config fromFile = source.isPresent() ? readFile(source.get(), problems) : ConfigFactory.empty();
    Config merged =
        overrideLayer(overrides, problems)
            .withFallback(envLayer(env, problems))
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

  /**
   * Whether a key is read from the config file only ({@code access.allow}, {@code routes}: lists of
   * objects).
   */
  public static boolean fileOnly(String key) {
    return FILE_ONLY.containsKey(key);
  }

  /**
   * The environment variable for a key: {@code tls.client-auth} is {@code
   * CHAINSIGHT_TLS_CLIENT_AUTH}.
   */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * One line per section; a value that fails its check is replaced by its default so later checks
   * still run.
   */
  private static ChainsightConfig build(Values v, Optional<Path> source) {
    ListenSettings listen =
        v.build(() -> new ListenSettings(v.string("listen.host"), v.integer("listen.port")));
    TlsSettings tls =
        v.build(
            () ->
                new TlsSettings(
                    v.requiredPath("tls.certificate-chain"),
                    v.requiredPath("tls.private-key"),
                    v.choice("tls.client-auth", TlsSettings.ClientAuth.class),
                    v.optionalPath("tls.trusted-cas"),
                    v.paths("tls.crls"),
                    v.strings("tls.protocols"),
                    v.duration("tls.handshake-timeout"),
                    v.choice("tls.client-auth-failure", TlsSettings.ClientAuthFailure.class)));
    BackendSettings backend =
        v.build(
            () ->
                new BackendSettings(
                    v.url("backend.url"),
                    v.duration("backend.connect-timeout"),
                    v.duration("backend.response-timeout"),
                    v.integer("backend.max-idle-connections")));
    AdminSettings admin =
        v.build(
            () ->
                new AdminSettings(
                    v.bool("admin.enabled"),
                    v.string("admin.host"),
                    v.integer("admin.port"),
                    v.optionalString("admin.token")));
    LimitsSettings limits =
        v.build(
            () ->
                new LimitsSettings(
                    v.bytes("limits.max-request-line"),
                    v.bytes("limits.max-header-size"),
                    v.integer("limits.max-headers"),
                    v.bytes("limits.max-body-size"),
                    v.duration("limits.request-header-timeout"),
                    v.duration("limits.idle-timeout"),
                    v.integer("limits.max-connections"),
                    v.integer("limits.max-connections-per-ip")));
    ShutdownSettings shutdown =
        v.build(() -> new ShutdownSettings(v.duration("shutdown.drain-timeout")));
    DiagnosticsSettings diagnostics =
        v.build(
            () ->
                new DiagnosticsSettings(
                    v.duration("diagnostics.dedup-window"), v.integer("diagnostics.recent")));
    LogSettings log =
        v.build(
            () ->
                new LogSettings(
                    v.choice("log.format", LogSettings.Format.class), v.bool("log.access")));
    List<AccessRule> allow = v.rules("access.allow");
    List<RouteSettings> routes = v.routes("routes");
    return v.problems.isEmpty()
        ? new ChainsightConfig(
            listen, tls, backend, limits, shutdown, admin, diagnostics, log, allow, routes, source)
        : null;
  }

  // ---- the layers ----

  /**
   * The file's {@code chainsight} object, substitutions resolved, with its keys checked against
   * reference.conf. A file that cannot be read or parsed fails at once: there is nothing to check
   * further.
   */
  private static Config readFile(Path file, List<String> problems) throws ConfigException {
    if (!Files.exists(file)) {
      throw new ConfigException(
          file
              + " does not exist (expected: a HOCON config file; check the path given "
              + "with -c/--config or "
              + CONFIG_FILE_ENV
              + ")");
    }
    if (Files.isDirectory(file)) {
      throw new ConfigException(
          file
              + " is a directory (expected: a HOCON config file, e.g. "
              + file.resolve("chainsight.conf")
              + ")");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigException(
          file
              + " cannot be read: permission denied (expected: readable by the user "
              + "running chainsight)");
    }
    Config parsed;
    try {
      parsed =
          ConfigFactory.parseFile(
              file.toFile(),
              ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(
          where(e.origin(), file)
              + ": HOCON syntax error: "
              + detail(e)
              + " (expected: valid HOCON, e.g. chainsight { listen { port = 8443 } })");
    }
    try {
      // Substitutions may name defaults (${chainsight.listen.port}) as well as the file's own keys.
      parsed = parsed.resolveWith(parsed.withFallback(REFERENCE.atKey(ROOT)));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(
          where(e.origin(), file)
              + ": "
              + detail(e)
              + " (expected: a key defined in "
              + "the file or an environment variable; write ${?NAME} for one that may be absent)");
    }
    for (Map.Entry<String, ConfigValue> top : parsed.root().entrySet()) {
      if (!top.getKey().equals(ROOT) && REFERENCE.root().containsKey(top.getKey())) {
        problems.add(
            top.getKey()
                + ": found at the top level, outside chainsight { } (expected: "
                + ROOT
                + " { "
                + top.getKey()
                + " { ... } }; move it inside)"
                + suffix(top.getValue().origin()));
      }
    }
    ConfigValue root = parsed.root().get(ROOT);
    if (root == null) {
      return ConfigFactory.empty();
    }
    if (root.valueType() != ConfigValueType.OBJECT) {
      problems.add(
          ROOT
              + ": "
              + root.render(CONCISE)
              + " (expected: an object, "
              + ROOT
              + " { ... })"
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

  /**
   * Unknown keys, and objects where a value belongs (or the reverse), compared with reference.conf.
   */
  private static void checkKeys(
      ConfigObject actual,
      ConfigObject reference,
      List<String> prefix,
      List<String> problems,
      List<List<String>> misshapen) {
    for (Map.Entry<String, ConfigValue> entry : actual.entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(entry.getKey());
      String key = String.join(".", path);
      ConfigValue value = entry.getValue();
      ConfigValue expected = reference.get(entry.getKey());
      if (expected == null) {
        problems.add(unknownKey(key, reference.keySet(), prefix) + suffix(value.origin()));
      } else if (expected.valueType() == ConfigValueType.OBJECT
          && value.valueType() == ConfigValueType.OBJECT) {
        checkKeys((ConfigObject) value, (ConfigObject) expected, path, problems, misshapen);
      } else if (expected.valueType() == ConfigValueType.OBJECT) {
        problems.add(
            key
                + ": "
                + value.render(CONCISE)
                + " (expected: an object with "
                + prefixed(key, ((ConfigObject) expected).keySet())
                + ")"
                + suffix(value.origin()));
        misshapen.add(path);
      } else if (value.valueType() == ConfigValueType.OBJECT) {
        String shape = expected.valueType() == ConfigValueType.LIST ? "a list" : "a single value";
        problems.add(
            key
                + ": "
                + value.render(CONCISE)
                + " (expected: "
                + shape
                + ", not an object; e.g. "
                + key
                + " = "
                + example(key)
                + ")"
                + suffix(value.origin()));
        misshapen.add(path);
      }
    }
  }

  private static String unknownKey(String key, Iterable<String> siblings, List<String> prefix) {
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

  private static Config envLayer(Map<String, String> env, List<String> problems) {
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

  private static Config overrideLayer(Map<String, String> overrides, List<String> problems) {
    Config layer = ConfigFactory.empty();
    for (Map.Entry<String, String> override : new TreeMap<>(overrides).entrySet()) {
      String key =
          override.getKey().startsWith(ROOT + ".")
              ? override.getKey().substring(ROOT.length() + 1)
              : override.getKey();
      if (!KEYS.containsKey(key)) {
        problems.add(
            unknownKey(key, REFERENCE.root().keySet(), List.of()) + ", from " + COMMAND_LINE);
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

  // ---- origins and names ----

  /**
   * Where a value came from: {@code FILE:LINE}, {@code environment variable NAME}, {@code
   * command-line option} or {@code default}.
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

  /**
   * What a problem message ends with: {@code , at FILE:LINE} or {@code , from environment variable
   * NAME}.
   */
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
    if (fileOnly(key)) {
      return FILE_ONLY.get(key);
    }
    ConfigValue value = rawValue(REFERENCE, key);
    return value == null || value.valueType() == ConfigValueType.NULL
        ? "\"...\""
        : value.render(CONCISE);
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

  /**
   * Typed reads from the merged config, each recording a problem and falling back to the default on
   * failure.
   */
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

    /**
     * Runs a record constructor; its own check failing becomes a problem naming where the value
     * came from.
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
          key,
          "a file path",
          (c, k) -> path(k, c.getString(k), c.getValue(k).origin()),
          () -> UNSET);
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
                paths.stream()
                    .map(p -> "\"" + p + "\"")
                    .collect(Collectors.joining(",", "[", "]")));
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
          && !(value.valueType() == ConfigValueType.STRING
              && ((String) value.unwrapped()).isBlank());
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

    /**
     * {@code access.allow}: each element a rule; an element with a problem is reported and left
     * out.
     */
    List<AccessRule> rules(String key) {
      return list(key, rawValue(config, key)).map(list -> rules(key, list)).orElse(List.of());
    }

    /** {@code routes}: each element a route; then routes that another one hides completely. */
    List<RouteSettings> routes(String key) {
      Optional<ConfigList> list = list(key, rawValue(config, key));
      if (list.isEmpty()) {
        return List.of();
      }
      List<RouteSettings> routes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<ConfigOrigin> origins = new ArrayList<>();
      for (int i = 0; i < list.get().size(); i++) {
        String where = key + "[" + i + "]";
        ConfigValue element = list.get().get(i);
        route(where, element)
            .ifPresent(
                route -> {
                  routes.add(route);
                  names.add(where);
                  origins.add(element.origin());
                });
      }
      for (int j = 0; j < routes.size(); j++) {
        for (int i = 0; i < j; i++) {
          if (hides(routes.get(i), routes.get(j))) {
            problems.add(
                names.get(j)
                    + ": never used: "
                    + names.get(i)
                    + " has the same path-prefix \""
                    + routes.get(j).pathPrefix()
                    + "\" and takes "
                    + (routes.get(i).methods().isEmpty()
                        ? "every method"
                        : "its methods " + sorted(routes.get(j).methods()))
                    + " (expected: a longer path-prefix, other methods, or one route; remove "
                    + names.get(j)
                    + ")"
                    + suffix(origins.get(j)));
            break;
          }
        }
      }
      return routes;
    }

    /**
     * Whether {@code first} takes every request {@code later} would (same prefix ties go to the
     * first written).
     */
    private static boolean hides(RouteSettings first, RouteSettings later) {
      return first.pathPrefix().equals(later.pathPrefix())
          && (first.methods().isEmpty()
              || (!later.methods().isEmpty() && first.methods().containsAll(later.methods())));
    }

    private static String sorted(Set<String> methods) {
      return methods.stream().sorted().collect(Collectors.joining(", ", "[", "]"));
    }

    private Optional<ConfigList> list(String where, ConfigValue value) {
      if (value == null || value.valueType() == ConfigValueType.NULL) {
        return Optional.empty();
      }
      if (value.valueType() != ConfigValueType.LIST) {
        String key = where.replaceAll("^routes\\[\\d+]\\.", "");
        problems.add(
            where
                + ": "
                + value.render(CONCISE)
                + " (expected: a list, e.g. "
                + where
                + " = "
                + FILE_ONLY.getOrDefault(key, "[ ... ]")
                + ")"
                + suffix(value.origin()));
        return Optional.empty();
      }
      return Optional.of((ConfigList) value);
    }

    private List<AccessRule> rules(String where, ConfigList list) {
      List<AccessRule> rules = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        rule(where + "[" + i + "]", list.get(i)).ifPresent(rules::add);
      }
      return rules;
    }

    private Optional<AccessRule> rule(String where, ConfigValue element) {
      Optional<ConfigObject> object = object(where, element, "{ subject-cn = \"keylime-tenant\" }");
      if (object.isEmpty()) {
        return Optional.empty();
      }
      int before = problems.size();
      unknownKeys(where, object.get(), "", AccessRule.FIELDS);
      Map<String, String> fields = new LinkedHashMap<>();
      for (String field : AccessRule.FIELDS) {
        ConfigValue value = object.get().get(field);
        if (value == null || value.valueType() == ConfigValueType.NULL) {
          continue;
        }
        if (value.valueType() == ConfigValueType.LIST
            || value.valueType() == ConfigValueType.OBJECT) {
          problems.add(
              where
                  + "."
                  + field
                  + ": "
                  + value.render(CONCISE)
                  + " (expected: one string; for several "
                  + "values write one rule each: any rule allows)"
                  + suffix(value.origin()));
          continue;
        }
        fields.put(field, String.valueOf(value.unwrapped()));
      }
      if (problems.size() > before) {
        return Optional.empty();
      }
      try {
        return Optional.of(AccessRule.of(fields));
      } catch (InvalidRuleException e) {
        ConfigValue at = e.field().map(object.get()::get).orElse(element);
        problems.add(e.at(where) + suffix(at.origin()));
        return Optional.empty();
      }
    }

    private Optional<RouteSettings> route(String where, ConfigValue element) {
      Optional<ConfigObject> object =
          object(where, element, "{ path-prefix = \"/version\", methods = [GET] }");
      if (object.isEmpty()) {
        return Optional.empty();
      }
      int before = problems.size();
      ConfigObject route = object.get();
      unknownKeys(where, route, "", ROUTE_KEYS);
      Optional<String> pathPrefix = text(where, route, "path-prefix");
      if (pathPrefix.isEmpty() && problems.size() == before) {
        problems.add(
            where
                + ".path-prefix: not set (expected: a path starting with /, e.g. /v2.1/agents/ or "
                + "/v*/agents)"
                + suffix(element.origin()));
      }
      Set<String> methods = methods(where, route);
      Optional<URI> backend =
          text(where, route, "backend")
              .flatMap(text -> uri(where + ".backend", text, route.get("backend")));
      Optional<TlsSettings.ClientAuth> clientAuth =
          text(where, route, "client-auth")
              .flatMap(text -> clientAuth(where + ".client-auth", text, route.get("client-auth")));
      Optional<List<AccessRule>> allow =
          section(where, route, "access", "{ allow = [ ... ] }")
              .flatMap(
                  access -> {
                    unknownKeys(where, access, "access.", ROUTE_KEYS);
                    return list(where + ".access.allow", access.get("allow"))
                        .map(l -> rules(where + ".access.allow", l));
                  });
      Optional<Duration> connectTimeout = duration(where, route, "connect-timeout");
      Optional<Duration> responseTimeout = duration(where, route, "response-timeout");
      Optional<BackendTlsSettings> tls =
          section(where, route, "tls", "{ trusted-cas = \"registrar-ca.pem\" }")
              .flatMap(section -> backendTls(where, section));
      if (problems.size() > before) {
        // Each problem of this route is reported; building it anyway would only add echoes of them.
        return Optional.empty();
      }
      try {
        return Optional.of(
            new RouteSettings(
                pathPrefix.get(),
                methods,
                backend,
                clientAuth,
                allow,
                connectTimeout,
                responseTimeout,
                tls));
      } catch (IllegalArgumentException e) {
        recordProblem(where, route, e);
        return Optional.empty();
      }
    }

    /**
     * A route record's own check ({@code routes[].backend: ...}), put at this route's index and at
     * the line of the value it names (else of the object itself).
     */
    private void recordProblem(String where, ConfigObject object, IllegalArgumentException e) {
      String relative = e.getMessage().replaceFirst("^routes\\[]\\.", "");
      String field = relative.substring(0, Math.max(0, relative.indexOf(':')));
      ConfigValue value = field.matches("[a-z-]+") ? object.get(field) : null;
      problems.add(where + "." + relative + suffix((value != null ? value : object).origin()));
    }

    private Optional<BackendTlsSettings> backendTls(String where, ConfigObject section) {
      unknownKeys(where, section, "tls.", ROUTE_KEYS);
      Optional<Path> chain = filePath(where, section, "tls.certificate-chain");
      Optional<Path> key = filePath(where, section, "tls.private-key");
      Optional<Path> trustedCas = filePath(where, section, "tls.trusted-cas");
      Optional<String> serverName = text(where + ".tls", section, "server-name");
      if (trustedCas.isEmpty()) {
        problems.add(
            where
                + ".tls.trusted-cas: not set (expected: the PEM file of the CA that issued the backend's "
                + "certificate; for a Keylime registrar, its CA certificate, e.g. /var/lib/keylime/cv_ca/cacert.crt)"
                + suffix(section.origin()));
        return Optional.empty();
      }
      try {
        return Optional.of(new BackendTlsSettings(chain, key, trustedCas.get(), serverName));
      } catch (IllegalArgumentException e) {
        recordProblem(where, section, e);
        return Optional.empty();
      }
    }

    /** The element as an object, or a problem saying what an element looks like. */
    private Optional<ConfigObject> object(String where, ConfigValue element, String example) {
      if (element.valueType() != ConfigValueType.OBJECT) {
        problems.add(
            where
                + ": "
                + element.render(CONCISE)
                + " (expected: an object such as "
                + example
                + ")"
                + suffix(element.origin()));
        return Optional.empty();
      }
      return Optional.of((ConfigObject) element);
    }

    /** A nested section of a route ({@code tls}, {@code access}), if present and an object. */
    private Optional<ConfigObject> section(
        String where, ConfigObject route, String name, String example) {
      ConfigValue value = route.get(name);
      if (value == null || value.valueType() == ConfigValueType.NULL) {
        return Optional.empty();
      }
      return object(where + "." + name, value, example);
    }

    /**
     * Keys of {@code object} (found under {@code prefix} of the element) that {@code known} does
     * not list.
     */
    private void unknownKeys(String where, ConfigObject object, String prefix, List<String> known) {
      for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
        String relative = prefix + entry.getKey();
        if (known.contains(relative)) {
          continue;
        }
        Optional<String> suggestion =
            Optional.ofNullable(ALIASES.get(entry.getKey()))
                .filter(known::contains)
                .or(() -> DidYouMean.closest(relative, known));
        List<String> siblings = new ArrayList<>();
        for (String candidate : known) {
          if (candidate.startsWith(prefix) && candidate.indexOf('.', prefix.length()) < 0) {
            siblings.add(where + "." + candidate);
          }
        }
        problems.add(
            where
                + "."
                + relative
                + ": unknown key ("
                + suggestion
                    .map(s -> "did you mean " + where + "." + s + "?")
                    .orElse("expected: one of " + String.join(", ", siblings))
                + ")"
                + suffix(entry.getValue().origin()));
      }
    }

    /** A string field of an element; numbers and booleans are taken as their text. */
    private Optional<String> text(String where, ConfigObject object, String field) {
      ConfigValue value = object.get(field);
      if (value == null || value.valueType() == ConfigValueType.NULL) {
        return Optional.empty();
      }
      if (value.valueType() == ConfigValueType.LIST
          || value.valueType() == ConfigValueType.OBJECT) {
        problems.add(
            where
                + "."
                + field
                + ": "
                + value.render(CONCISE)
                + " (expected: a string)"
                + suffix(value.origin()));
        return Optional.empty();
      }
      return Optional.of(String.valueOf(value.unwrapped()).trim());
    }

    private Set<String> methods(String where, ConfigObject route) {
      ConfigValue value = route.get("methods");
      if (value == null || value.valueType() == ConfigValueType.NULL) {
        return Set.of();
      }
      Set<String> methods = new LinkedHashSet<>();
      boolean strings = value.valueType() == ConfigValueType.LIST;
      if (strings) {
        for (ConfigValue method : (ConfigList) value) {
          strings &= method.valueType() == ConfigValueType.STRING;
          methods.add(String.valueOf(method.unwrapped()).trim().toUpperCase(Locale.ROOT));
        }
      }
      if (!strings || methods.isEmpty()) {
        problems.add(
            where
                + ".methods: "
                + value.render(CONCISE)
                + " (expected: a non-empty list such as "
                + "[GET, DELETE]; leave methods out for all of them)"
                + suffix(value.origin()));
        return Set.of();
      }
      return methods;
    }

    private Optional<URI> uri(String where, String text, ConfigValue value) {
      try {
        return Optional.of(new URI(text));
      } catch (URISyntaxException e) {
        problems.add(
            where
                + ": \""
                + text
                + "\" (expected: a URL such as http://127.0.0.1:8890 or "
                + "https://127.0.0.1:8891)"
                + suffix(value.origin()));
        return Optional.empty();
      }
    }

    private Optional<TlsSettings.ClientAuth> clientAuth(
        String where, String text, ConfigValue value) {
      try {
        return Optional.of(TlsSettings.ClientAuth.valueOf(text.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        problems.add(
            where + ": \"" + text + "\" (expected: require or optional)" + suffix(value.origin()));
        return Optional.empty();
      }
    }

    private Optional<Duration> duration(String where, ConfigObject route, String field) {
      ConfigValue value = route.get(field);
      if (value == null || value.valueType() == ConfigValueType.NULL) {
        return Optional.empty();
      }
      try {
        return Optional.of(route.toConfig().getDuration(field));
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(
            where
                + "."
                + field
                + ": "
                + value.render(CONCISE)
                + " (expected: a duration such as 2s, 500ms "
                + "or 1m)"
                + suffix(value.origin()));
        return Optional.empty();
      }
    }

    /**
     * A path in a route's {@code tls}, resolved like the other TLS paths (against the config file's
     * directory).
     */
    private Optional<Path> filePath(String where, ConfigObject tls, String relative) {
      String field = relative.substring(relative.indexOf('.') + 1);
      return text(where + ".tls", tls, field)
          .filter(text -> !text.isEmpty())
          .map(text -> path(null, text, tls.get(field).origin()));
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
            new EffectiveConfig.Entry(
                key, shown, value == null ? "default" : where(value.origin())));
      }
      return entries;
    }
  }
}
