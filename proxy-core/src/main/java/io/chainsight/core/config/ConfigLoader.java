package io.chainsight.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chainsight.core.access.AccessRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the configuration in layers (reference.conf defaults, then the config file, then {@code
 * CHAINSIGHT_*} environment variables, then command-line overrides), checks every key and value,
 * and maps the result into the settings records. It collects every problem before failing, so one
 * run of {@code check-config} lists them all.
 *
 * <p>This class and its package-private helpers are the only code that speaks Typesafe Config, and
 * each reads HOCON once, in this order: {@link Reference} (reference.conf as a schema), {@link
 * ConfigFileReader} (the file and its keys), {@link OverrideLayers} (environment and command line),
 * {@link TypedValues} (typed reads of the merged layers), {@link ObjectListReader} and {@link
 * RoutesReader} (the lists of objects).
 *
 * <p>The set of keys, their types and their environment variables all come from reference.conf
 * (keys without a default are declared there as {@code null}), so a new key is one line there plus
 * one argument in {@link #build}. The two lists of objects, {@code access.allow} and {@code
 * routes}, are the exception: their elements' keys are declared here ({@link AccessRule#FIELDS},
 * {@link RoutesReader#ROUTE_KEYS}), and they are read from the config file only (a list of objects
 * does not fit in an environment variable).
 */
public final class ConfigLoader {
  /** Names the config file when {@code -c} is not given. */
  public static final String CONFIG_FILE_ENV = "CHAINSIGHT_CONFIG";

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
    Config fromFile =
        source.isPresent() ? ConfigFileReader.read(source.get(), problems) : ConfigFactory.empty();
    Config merged =
        OverrideLayers.commandLine(overrides, problems)
            .withFallback(OverrideLayers.environment(env, problems))
            .withFallback(fromFile)
            .withFallback(Reference.REFERENCE);
    Path fileDirectory = source.map(Path::getParent).orElse(Path.of("").toAbsolutePath());
    TypedValues values = new TypedValues(merged, fileDirectory, problems);
    ChainsightConfig config = build(values, source);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new EffectiveConfig(config, values.entries());
  }

  /** Every key, as a path below {@code chainsight} ({@code tls.client-auth}), in order. */
  public static List<String> keys() {
    return List.copyOf(Reference.KEYS.keySet());
  }

  /**
   * Whether a key is read from the config file only ({@code access.allow}, {@code routes}: lists of
   * objects).
   */
  public static boolean fileOnly(String key) {
    return Reference.fileOnly(key);
  }

  /**
   * The environment variable for a key: {@code tls.client-auth} is {@code
   * CHAINSIGHT_TLS_CLIENT_AUTH}.
   */
  public static String envName(String key) {
    return Reference.envName(key);
  }

  /**
   * One line per section; a value that fails its check is replaced by its default so later checks
   * still run.
   */
  private static ChainsightConfig build(TypedValues v, Optional<Path> source) {
    ListenSettings listen =
        v.build(
            () ->
                new ListenSettings(
                    v.string("listen.host"),
                    v.integer("listen.port"),
                    v.integer("listen.event-loops")));
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
                    v.choice("tls.client-auth-failure", TlsSettings.ClientAuthFailure.class),
                    v.duration("tls.session-ticket-rotation")));
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
                    v.optionalString("admin.token"),
                    new ProbesSettings(
                        v.bool("admin.probes.enabled"),
                        v.string("admin.probes.host"),
                        v.integer("admin.probes.port"))));
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
    return !v.hasProblems()
        ? new ChainsightConfig(
            listen, tls, backend, limits, shutdown, admin, diagnostics, log, allow, routes, source)
        : null;
  }
}
