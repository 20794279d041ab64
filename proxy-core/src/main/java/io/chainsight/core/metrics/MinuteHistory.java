package io.chainsight.core.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The last hour of some labelled counter families, one bucket per minute, in memory (for the admin
 * page's charts). It reads the same Dropwizard counters {@code /metrics} exports, so the two never
 * disagree and the request path pays nothing: each {@link #sample} (once a minute, at the minute)
 * closes a bucket with how much each counter grew since the sample before; the current minute is
 * read live. Counters are named {@code family.label.value[.label.value]} ({@link
 * ProxyMetrics#labelled}).
 */
public final class MinuteHistory {
  /** Buckets kept: the current minute and the 59 before it. */
  public static final int MINUTES = 60;

  /**
   * How much one counter grew in a bucket.
   *
   * @param labels the counter's labels, in the order its Dropwizard name gives them
   */
  public record Count(Map<String, String> labels, long count) {
    public Count {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
  }

  /**
   * One bucket: from one sample to the next (or to now, while {@code partial}).
   *
   * @param counts by family, the counters that grew in this bucket (zeros left out), in the order
   *     of their label values
   */
  public record Minute(
      Instant start, Instant end, boolean partial, Map<String, List<Count>> counts) {
    public Minute {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Map<String, List<Count>> copy = new TreeMap<>();
      counts.forEach((family, list) -> copy.put(family, List.copyOf(list)));
      counts = Collections.unmodifiableMap(copy);
    }

    /** How much the counters of {@code family} that carry all of {@code labels} grew in total. */
    public long count(String family, Map<String, String> labels) {
      return counts.getOrDefault(family, List.of()).stream()
          .filter(c -> c.labels().entrySet().containsAll(labels.entrySet()))
          .mapToLong(Count::count)
          .sum();
    }
  }

  private final MetricRegistry registry;
  private final List<String> families;
  private final Clock clock;
  private final ArrayDeque<Minute> closed = new ArrayDeque<>();
  private Map<String, Long> lastCounts;
  private Instant lastAt;

  /**
   * @param families Dropwizard family names whose counters are named {@code family.label.value}
   *     ({@link ProxyMetrics#labelled})
   */
  public MinuteHistory(MetricRegistry registry, Clock clock, List<String> families) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.families = List.copyOf(families);
    this.lastCounts = counts();
    this.lastAt = clock.instant();
  }

  /** The families watched, as given. */
  public List<String> families() {
    return families;
  }

  /**
   * Closes the current bucket at now and starts the next; the oldest beyond the hour is dropped.
   */
  public synchronized void sample() {
    Instant now = clock.instant();
    Map<String, Long> counts = counts();
    closed.addLast(new Minute(lastAt, now, false, growth(lastCounts, counts)));
    while (closed.size() > MINUTES - 1) {
      closed.removeFirst();
    }
    lastCounts = counts;
    lastAt = now;
  }

  /** The closed buckets, oldest first, then the current one (partial, up to now). */
  public synchronized List<Minute> lastHour() {
    List<Minute> minutes = new ArrayList<>(closed);
    minutes.add(new Minute(lastAt, clock.instant(), true, growth(lastCounts, counts())));
    return minutes;
  }

  /** Every counter of the watched families, by Dropwizard name. */
  private Map<String, Long> counts() {
    Map<String, Long> counts = new HashMap<>();
    for (Map.Entry<String, Counter> counter :
        registry.getCounters((name, metric) -> family(name) != null).entrySet()) {
      counts.put(counter.getKey(), counter.getValue().getCount());
    }
    return counts;
  }

  private Map<String, List<Count>> growth(Map<String, Long> before, Map<String, Long> after) {
    Map<String, List<Count>> growth = new TreeMap<>();
    // By name, so that the counts of a family come in the order of their label values.
    for (Map.Entry<String, Long> counter : new TreeMap<>(after).entrySet()) {
      // A counter created since the sample before started from zero.
      long grew = counter.getValue() - before.getOrDefault(counter.getKey(), 0L);
      if (grew > 0) {
        String family = family(counter.getKey());
        growth
            .computeIfAbsent(family, f -> new ArrayList<>())
            .add(new Count(labels(counter.getKey().substring(family.length() + 1)), grew));
      }
    }
    return growth;
  }

  /** {@code hop.listener.reason.EXPIRED} as {@code {hop=listener, reason=EXPIRED}}. */
  private static Map<String, String> labels(String pairs) {
    String[] parts = pairs.split("\\.");
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i + 1 < parts.length; i += 2) {
      // The last value keeps any dots in it (none of ours has one).
      boolean last = i + 3 >= parts.length;
      labels.put(
          parts[i],
          last ? String.join(".", Arrays.copyOfRange(parts, i + 1, parts.length)) : parts[i + 1]);
    }
    return labels;
  }

  /** The watched family a {@code family.label.value} name belongs to, or null. */
  private String family(String name) {
    for (String family : families) {
      if (name.startsWith(family + ".") && name.indexOf('.', family.length() + 1) > 0) {
        return family;
      }
    }
    return null;
  }
}
