package io.chainsight.core.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * The leak reports Netty's ResourceLeakDetector logs (ERROR, "LEAK: ...", on its own logger),
 * caught by an appender instead of read off the console. Netty notices a leak only after the leaked
 * object was garbage-collected, and reports it only when its detector tracks the next object;
 * {@link #collect} makes both happen for buffers, so a buffer leaked by a test is reported before
 * the test ends. Other tracked types (SSL engines and contexts, timers) are reported the next time
 * one of them is created, which the next test that starts a proxy does.
 */
public final class LeakReports {
  /**
   * The logger ResourceLeakDetector reports on (Netty's InternalLogger maps to SLF4J, here
   * logback).
   */
  public static final String LOGGER = ResourceLeakDetector.class.getName();

  private static final Capture capture = new Capture();

  private LeakReports() {}

  /**
   * Attaches the capturing appender (again, if a logging reconfiguration detached it) and makes
   * sure the logger lets ERROR through: Netty checks {@code isErrorEnabled()} first and drops the
   * leak silently otherwise.
   */
  public static synchronized void install() {
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    if (!logger.isErrorEnabled()) {
      logger.setLevel(Level.ERROR);
    }
    if (!capture.isStarted()) {
      capture.setContext(logger.getLoggerContext());
      capture.setName("leak-reports");
      capture.start();
    }
    if (!logger.isAttached(capture)) {
      logger.addAppender(capture);
    }
  }

  /** Whether the appender is attached: the extension attaches it before each test class. */
  public static boolean installed() {
    return ((Logger) LoggerFactory.getLogger(LOGGER)).isAttached(capture);
  }

  /**
   * Collects garbage until unreleased buffers have been reported, then returns (and forgets) every
   * leak report logged since the last call, whichever thread logged it.
   */
  public static List<String> collect() {
    install();
    collectGarbage();
    // At PARANOID every tracked allocation first reports what the detector found collected (one
    // detector serves
    // every ByteBuf, heap or direct, whichever allocator).
    ByteBufAllocator.DEFAULT.directBuffer(1).release();
    List<String> reports = new ArrayList<>();
    String report;
    while ((report = capture.reports.poll()) != null) {
      reports.add(report);
    }
    return reports;
  }

  /**
   * A full collection, then a wait until the reference handler has enqueued what it cleared (a
   * sentinel of the same collection shows up in its queue), so the detector's own queue holds the
   * leaked buffers' references.
   */
  private static void collectGarbage() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    System.gc();
    try {
      if (queue.remove(500) == null) {
        System.gc();
        queue.remove(500);
      }
      // References cleared by the same collection are enqueued in one batch; give the batch a
      // moment to finish.
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sentinel.clear();
  }

  private static final class Capture extends AppenderBase<ILoggingEvent> {
    final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
      String message = event.getFormattedMessage();
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)
          && message != null
          && message.contains("LEAK:")) {
        reports.add("[" + event.getThreadName() + "] " + message);
      }
    }
  }
}
