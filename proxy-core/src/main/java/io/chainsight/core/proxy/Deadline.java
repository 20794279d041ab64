package io.chainsight.core.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One timer for a connection, however many requests it carries. Setting, moving or clearing the
 * deadline only writes fields; a single scheduled check runs when the deadline could first have
 * passed and, if the deadline moved later in the meantime, schedules itself again for what is left.
 * Scheduling and cancelling a task per request instead costs a task object and two priority-queue
 * operations on the event loop every time; this costs one check per timeout period, and a cancel
 * only when a deadline moves nearer than the pending check (a head that started arriving on an idle
 * connection, a response timeout longer than the idle timeout).
 *
 * <p>Used from the channel's event loop only, like the handler that owns it.
 */
final class Deadline {
  private final EventExecutor executor;
  private final Runnable onExpiry;
  private final Runnable check = this::check;

  private boolean armed;
  private long expiresAt;
  private ScheduledFuture<?> pending;
  private long pendingAt;

  /**
   * @param onExpiry runs on the event loop when a deadline passes without being set again or
   *     cleared
   */
  Deadline(EventExecutor executor, Runnable onExpiry) {
    this.executor = executor;
    this.onExpiry = onExpiry;
  }

  /** Expires {@code millis} from now, unless set again, cleared or stopped first. */
  void set(long millis) {
    armed = true;
    expiresAt = executor.ticker().nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    if (pending == null) {
      schedule();
    } else if (pendingAt - expiresAt > 0) {
      pending.cancel(false);
      schedule();
    }
  }

  /** No deadline until the next {@link #set}; the pending check, when it runs, finds nothing. */
  void clear() {
    armed = false;
  }

  /** The connection is closed: nothing is checked any more. */
  void stop() {
    armed = false;
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  private void schedule() {
    pendingAt = expiresAt;
    pending =
        executor.schedule(check, expiresAt - executor.ticker().nanoTime(), TimeUnit.NANOSECONDS);
  }

  private void check() {
    pending = null;
    if (!armed) {
      return;
    }
    if (executor.ticker().nanoTime() - expiresAt < 0) {
      schedule();
      return;
    }
    armed = false;
    onExpiry.run();
  }
}
