package io.chainsight.core.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Waits for a change the proxy takes on its own time (a swapped Secret, a reloaded file): polls
 * what a client observes until it is the expected value, and fails naming the last value seen.
 */
public final class Eventually {
  private static final Duration POLL = Duration.ofMillis(20);

  private Eventually() {}

  /**
   * Returns once {@code observe} yields {@code expected}, polling for at most {@code within};
   * otherwise fails with {@code what} and the last value observed.
   */
  public static <T> void observes(T expected, Duration within, String what, Callable<T> observe)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    T last;
    do {
      last = observe.call();
      if (Objects.equals(expected, last)) {
        return;
      }
      Thread.sleep(POLL.toMillis());
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        what
            + ": still "
            + last
            + " "
            + within.toMillis()
            + " ms after the change (expected "
            + expected
            + ")");
  }
}
