package io.chainsight.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import io.chainsight.core.config.LogSettings;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Switches logging to one JSON object per line when {@code log.format = json}: the root logger's
 * text appender ({@link LogConfigurator}) is replaced by one with the logstash encoder, whose
 * fields include every key-value pair a log event carries (handshake failures carry reason, step,
 * certificate, fix...).
 */
public final class LogSetup {
  private LogSetup() {}

  /** Only warnings and errors from {@code logger} from now on. */
  public static void quiet(String logger) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
      ((LoggerContext) LoggerFactory.getILoggerFactory())
          .getLogger(logger)
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  public static void apply(LogSettings settings) {
    if (settings.format() != LogSettings.Format.JSON
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = jsonEncoder(context);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("JSON");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  /** The encoder of {@code log.format = json}: one object per event, key-value pairs as fields. */
  static LogstashEncoder jsonEncoder(Context context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }
}
