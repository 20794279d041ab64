package io.chainsight.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What differs between two configurations, key by key, as a reload logs it and {@code check-config
 * --against-running} prints it. Values are compared as {@code /config} shows them, so a secret
 * never appears: a redacted key counts as changed only when the caller says so (it compared the
 * real values).
 *
 * <p>Some keys cannot change while the proxy runs: {@link #RESTART_KEYS}. A change to one of them
 * makes the whole reload refused (see docs/operations.md for why nothing else is applied then).
 */
public record ConfigDiff(List<Change> changes) {
  /**
   * Keys a running proxy cannot take over: its listeners are bound once. A key added here needs its
   * {@code reference.conf} doc to say "needs a restart".
   */
  public static final List<String> RESTART_KEYS =
      List.of(
          "listen.host",
          "listen.port",
          "listen.event-loops",
          "admin.enabled",
          "admin.host",
          "admin.port",
          "admin.probes.enabled",
          "admin.probes.host",
          "admin.probes.port");

  /** Longer values are shown around the part that changed. */
  private static final int SHOWN = 160;

  /** Unchanged characters kept either side of a change, so the key around it reads whole. */
  private static final int CONTEXT = 40;

  /** One key whose value differs ({@code before} or {@code after} may be the "not set" marker). */
  public record Change(String key, String before, String after) {
    public Change {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
    }

    public boolean needsRestart() {
      return RESTART_KEYS.contains(key);
    }

    /**
     * {@code access.allow: [...] -> [...]}; a restart key's line ends with "needs a restart" and
     * what to do.
     */
    public String describe() {
      if (before.equals(EffectiveConfig.REDACTED) && after.equals(EffectiveConfig.REDACTED)) {
        return key + ": changed (" + EffectiveConfig.REDACTED + ")";
      }
      String[] shown = abbreviate(before, after);
      String line = key + ": " + shown[0] + " -> " + shown[1];
      if (needsRestart()) {
        return line
            + " needs a restart (restart chainsight to take it, or put back "
            + before
            + " to reload the rest)";
      }
      return line;
    }
  }

  public ConfigDiff {
    changes = List.copyOf(changes);
  }

  /**
   * Compares two configurations' entries by value (origins are ignored: a value moved from the file
   * to an environment variable is no change).
   *
   * @param changedSecrets redacted keys whose real values differ (the caller compared them)
   */
  public static ConfigDiff between(
      List<EffectiveConfig.Entry> before,
      List<EffectiveConfig.Entry> after,
      Set<String> changedSecrets) {
    Map<String, String> old = new LinkedHashMap<>();
    before.forEach(e -> old.put(e.key(), e.value()));
    Map<String, String> now = new LinkedHashMap<>();
    after.forEach(e -> now.put(e.key(), e.value()));
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<String, String> entry : now.entrySet()) {
      String key = entry.getKey();
      String was = old.getOrDefault(key, EffectiveConfig.NOT_SET);
      String is = entry.getValue();
      boolean secretChanged =
          is.equals(EffectiveConfig.REDACTED)
              && was.equals(EffectiveConfig.REDACTED)
              && changedSecrets.contains(key);
      if (!was.equals(is) || secretChanged) {
        changes.add(new Change(key, was, is));
      }
    }
    for (Map.Entry<String, String> entry : old.entrySet()) {
      if (!now.containsKey(entry.getKey())) {
        changes.add(new Change(entry.getKey(), entry.getValue(), EffectiveConfig.NOT_SET));
      }
    }
    return new ConfigDiff(changes);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The changes a running proxy cannot take: any one of them refuses the whole reload. */
  public List<Change> needingRestart() {
    return changes.stream().filter(Change::needsRestart).toList();
  }

  /** One line per change. */
  public List<String> lines() {
    return changes.stream().map(Change::describe).toList();
  }

  /**
   * Both values whole when short; else each around where they differ, the common start and end
   * replaced by "...".
   */
  static String[] abbreviate(String before, String after) {
    if (before.length() <= SHOWN && after.length() <= SHOWN) {
      return new String[] {before, after};
    }
    int start = 0;
    int limit = Math.min(before.length(), after.length());
    while (start < limit && before.charAt(start) == after.charAt(start)) {
      start++;
    }
    int end = 0;
    while (end < limit - start
        && before.charAt(before.length() - 1 - end) == after.charAt(after.length() - 1 - end)) {
      end++;
    }
    int from = Math.max(0, start - CONTEXT);
    int tail = Math.max(0, end - CONTEXT);
    return new String[] {
      cut(before, from, before.length() - tail), cut(after, from, after.length() - tail)
    };
  }

  private static String cut(String value, int from, int to) {
    int end = Math.min(Math.max(from, to), from + SHOWN);
    return (from > 0 ? "..." : "")
        + value.substring(from, end)
        + (end < value.length() ? "..." : "");
  }
}
