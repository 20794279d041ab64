package io.chainsight.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The leak check itself: a buffer leaked on purpose is reported, and the extension turns the report
 * into a failure. Each test consumes the report it provokes, so the extension's own check after it
 * finds nothing.
 */
class LeakDetectionExtensionTest {
  private final Logger detector = (Logger) LoggerFactory.getLogger(LeakReports.LOGGER);

  @BeforeEach
  void keepProvokedReportsOffTheConsole() {
    // The appender still gets them; only the build log is spared leak reports that are meant to
    // happen.
    detector.setAdditive(false);
  }

  @AfterEach
  void restoreConsole() {
    detector.setAdditive(true);
  }

  @Test
  void testJvmRunsWithParanoidLeakDetection() {
    // Set by the argLine in the parent pom; at any lower level most leaks are never sampled, so
    // never reported.
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void unreleasedBufferIsReportedWithWhereItWasAllocated() {
    leakOneBuffer();

    assertThat(LeakReports.collect())
        .singleElement()
        .asString()
        .contains("LEAK: ByteBuf.release() was not called before it's garbage-collected")
        .contains("leakOneBuffer");
  }

  @Test
  void releasedBufferIsNotReported() {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(64);
    buffer.writeLong(42);
    buffer.release();

    assertThat(LeakReports.collect()).isEmpty();
  }

  @Test
  void extensionFailsNamingTheTestAndTheLeak() {
    leakOneBuffer();

    assertThatThrownBy(() -> LeakDetectionExtension.assertNoLeaks("synthetic leak test"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("1 Netty leak report(s) during or before synthetic leak test")
        .hasMessageContaining("LEAK: ByteBuf.release() was not called");
  }

  /**
   * Allocates a buffer, writes to it and drops it without release(): a leak once it is
   * garbage-collected.
   */
  private static void leakOneBuffer() {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(64);
    buffer.writeLong(42);
  }
}
