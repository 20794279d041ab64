package io.chainsight.core.config;

import java.util.List;

/**
 * A configuration that cannot be used. Each problem is one line naming the key, the value or file,
 * what was expected, and the fix; {@code check-config} prints them and {@code run} refuses to start
 * with them.
 */
public final class ConfigException extends Exception {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
