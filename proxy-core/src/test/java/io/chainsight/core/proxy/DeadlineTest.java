package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection's one timer, on an event loop whose clock the test moves. */
class DeadlineTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final AtomicInteger expired = new AtomicInteger();
  private final Deadline deadline;

  DeadlineTest() {
    channel.freezeTime();
    deadline = new Deadline(channel.eventLoop(), expired::incrementAndGet);
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void expiresOnceWhenItsTimeComes() {
    deadline.set(1_000);

    advance(999);
    assertThat(expired).hasValue(0);
    advance(1);
    assertThat(expired).hasValue(1);
    advance(5_000);
    assertThat(expired).hasValue(1);
  }

  @Test
  void settingItAgainMovesItWithoutAnotherTimer() {
    deadline.set(1_000);
    advance(600);
    deadline.set(1_000);

    advance(400); // the first check runs, finds the deadline moved, and checks again later
    assertThat(expired).hasValue(0);
    advance(599);
    assertThat(expired).hasValue(0);
    advance(1);
    assertThat(expired).hasValue(1);
  }

  @Test
  void aClearedDeadlineDoesNotExpire() {
    deadline.set(1_000);
    deadline.clear();

    advance(2_000);
    assertThat(expired).hasValue(0);
  }

  @Test
  void aNearerDeadlineExpiresOnTimeThoughALaterCheckIsPending() {
    deadline.set(60_000);
    deadline.set(1_000);

    advance(1_000);
    assertThat(expired).hasValue(1);
  }

  @Test
  void aStoppedDeadlineNeverExpires() {
    deadline.set(1_000);
    deadline.stop();

    advance(2_000);
    assertThat(expired).hasValue(0);
    assertThat(channel.runScheduledPendingTasks()).as("next scheduled task").isEqualTo(-1);
  }
}
