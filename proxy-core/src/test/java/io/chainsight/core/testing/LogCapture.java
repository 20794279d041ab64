package io.chainsight.core.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Captures the log events of one logger as structured events (message and key-value pairs), not as
 * text.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  public List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return List.copyOf(appender.list);
    }
  }

  /** The key-value pairs of an event. */
  public static Map<String, Object> fields(ILoggingEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(pair -> fields.put(pair.key, pair.value));
    }
    return fields;
  }

  /**
   * Waits for the first event whose field {@code key} equals {@code value}; returns its fields and
   * message.
   */
  public Map<String, Object> await(String key, Object value, Duration within) {
    ILoggingEvent event =
        awaitEvent(e -> value.equals(fields(e).get(key)), "with " + key + "=" + value, within);
    Map<String, Object> fields = fields(event);
    fields.put("message", event.getFormattedMessage());
    return fields;
  }

  /** Waits for the first event whose message contains {@code text}. */
  public ILoggingEvent awaitMessage(String text, Duration within) {
    return awaitEvent(
        e -> e.getFormattedMessage().contains(text), "containing \"" + text + "\"", within);
  }

  private ILoggingEvent awaitEvent(
      Predicate<ILoggingEvent> wanted, String description, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    do {
      for (ILoggingEvent event : events()) {
        if (wanted.test(event)) {
          return event;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "no log event "
            + description
            + " within "
            + within.toMillis()
            + " ms; got:\n"
            + String.join(
                "\n", events().stream().map(ILoggingEvent::getFormattedMessage).toList()));
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
