package io.chainsight.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import io.chainsight.core.config.LogSettings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Switches logging to one JSON object per line when {@code log.format = json}: the root logger's
 * text appender ({@link LogConfigurator}) is replaced by one with the logstash encoder, whose
 * fields include every key-value pair a log event carries (handshake failures carry reason, step,
 * certificate, fix...). Applied at start and after each reload, so {@code json} back to {@code
 * text} restores the text appender.
 */
public final class LogSetup {
  private static final String JSON = "JSON";

  /** The text appenders set aside while JSON is on (kept running, to be put back). */
  private static final List<Appender<ILoggingEvent>> setAside = new ArrayList<>();

  private LogSetup() {}

  /** Only warnings and errors from {@code logger} from now on. */
  public static void quiet(String logger) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory())
          .getLogger(logger)
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  public static synchronized void apply(LogSettings settings) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    boolean json = root.getAppender(JSON) != null;
    if (settings.format() == LogSettings.Format.JSON && !json) {
      for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
        setAside.add(it.next());
      }
      setAside.forEach(root::detachAppender);
      root.addAppender(jsonAppender(context));
    } else if (settings.format() == LogSettings.Format.TEXT && json) {
      setAside.forEach(root::addAppender);
      setAside.clear();
      Appender<ILoggingEvent> appender = root.getAppender(JSON);
      root.detachAppender(appender);
      appender.stop();
    }
  }

  private static Appender<ILoggingEvent> jsonAppender(LoggerContext context) {
    LogstashEncoder encoder = jsonEncoder(context);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(JSON);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }

  /** The encoder of {@code log.format = json}: one object per event, key-value pairs as fields. */
  static LogstashEncoder jsonEncoder(Context context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }
}
