package io.chainsight.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the running proxy's configuration comes from, so a reload can read it again the way it was
 * read at start: the same file, the same environment variables and the same command-line overrides
 * (a reload never drops a {@code --port}). A configuration built in code ({@link #fixed}) has
 * nothing to re-read but the TLS files it names.
 */
public final class ConfigSource {
  private final Optional<Path> file;
  private final Map<String, String> env;
  private final Map<String, String> overrides;
  private final EffectiveConfig fixed;

  private ConfigSource(
      Optional<Path> file,
      Map<String, String> env,
      Map<String, String> overrides,
      EffectiveConfig fixed) {
    this.file = file.map(p -> p.toAbsolutePath().normalize());
    this.env = Map.copyOf(env);
    this.overrides = Map.copyOf(overrides);
    this.fixed = fixed;
  }

  /** The layers {@link ConfigLoader#loadEffective} reads; each reload reads them again. */
  public static ConfigSource of(
      Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
    return new ConfigSource(file, env, overrides, null);
  }

  /** A configuration that was not read from a file: every reload yields it unchanged. */
  public static ConfigSource fixed(EffectiveConfig config) {
    return new ConfigSource(Optional.empty(), Map.of(), Map.of(), Objects.requireNonNull(config));
  }

  /** Reads and checks the configuration (not the files it names: see the proxy's reload). */
  public EffectiveConfig load() throws ConfigException {
    return fixed != null ? fixed : ConfigLoader.loadEffective(file, env, overrides);
  }

  /** The config file, absolute, when there is one: it is watched like the TLS files. */
  public Optional<Path> file() {
    return file;
  }
}
