package io.chainsight.core.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The last hour of some labelled counter families, one bucket per minute, in memory (for the admin
 * page's charts). It reads the same Dropwizard counters {@code /metrics} exports, so the two never
 * disagree and the request path pays nothing: each {@link #sample} (once a minute, at the minute)
 * closes a bucket with how much each counter grew since the sample before; the current minute is
 * read live.
 */
public final class MinuteHistory {
  /** Buckets kept: the current minute and the 59 before it. */
  public static final int MINUTES = 60;

  /**
   * One bucket: from one sample to the next (or to now, while {@code partial}).
   *
   * @param counts family, then label value, then how much it grew in this bucket; zeros left out
   */
  public record Minute(
      Instant start, Instant end, boolean partial, Map<String, Map<String, Long>> counts) {
    public Minute {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      // Sorted, so that JSON and text list the label values in a stable order.
      Map<String, Map<String, Long>> sorted = new TreeMap<>();
      counts.forEach(
          (family, values) ->
              sorted.put(family, Collections.unmodifiableMap(new TreeMap<>(values))));
      counts = Collections.unmodifiableMap(sorted);
    }

    /** How much {@code family{label=value}} grew in this bucket. */
    public long count(String family, String value) {
      return counts.getOrDefault(family, Map.of()).getOrDefault(value, 0L);
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

  private Map<String, Map<String, Long>> growth(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Map<String, Long>> growth = new TreeMap<>();
    for (Map.Entry<String, Long> counter : after.entrySet()) {
      // A counter created since the sample before started from zero.
      long grew = counter.getValue() - before.getOrDefault(counter.getKey(), 0L);
      if (grew > 0) {
        String family = family(counter.getKey());
        // By the last label's value; earlier labels (the handshake families' hop) are summed over.
        String value = counter.getKey().substring(counter.getKey().lastIndexOf('.') + 1);
        growth.computeIfAbsent(family, f -> new TreeMap<>()).merge(value, grew, Long::sum);
      }
    }
    return growth;
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
