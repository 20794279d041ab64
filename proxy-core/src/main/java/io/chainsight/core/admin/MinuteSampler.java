package io.chainsight.core.admin;

import io.chainsight.core.metrics.MinuteHistory;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Samples the {@link MinuteHistory} at each full minute of the wall clock, on one of the proxy's
 * event loops (a sample is a few map operations). Each next sample is scheduled from the clock, so
 * the buckets stay on the minute however long the process runs.
 */
final class MinuteSampler implements AutoCloseable {
  private static final long MINUTE_MILLIS = 60_000;

  private final EventLoop loop;
  private final MinuteHistory history;
  private final Clock clock;
  private volatile ScheduledFuture<?> next;
  private volatile boolean closed;

  MinuteSampler(EventLoop loop, MinuteHistory history, Clock clock) {
    this.loop = loop;
    this.history = history;
    this.clock = clock;
  }

  void start() {
    schedule();
  }

  private void schedule() {
    if (closed || loop.isShuttingDown()) {
      return;
    }
    long millis = MINUTE_MILLIS - Math.floorMod(clock.millis(), MINUTE_MILLIS);
    // A timer that fires a little early would otherwise sample twice around the same minute.
    next =
        loop.schedule(
            this::sample, millis < 1_000 ? millis + MINUTE_MILLIS : millis, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    history.sample();
    schedule();
  }

  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> pending = next;
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
