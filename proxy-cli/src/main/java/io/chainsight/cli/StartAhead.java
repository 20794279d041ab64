package io.chainsight.cli;

import io.chainsight.core.json.JsonLayout;
import io.chainsight.core.proxy.Transport;
import io.chainsight.core.tls.TlsEngine;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * What {@code chainsight run} will need, set up on a second thread while the first parses the
 * command line and the configuration: logging, BoringSSL and epoll (their native libraries), and
 * Jackson (the first {@code /readyz} answer). Each is a class initialisation, so the first thread
 * waits for whichever it reaches before this one is done, and nothing runs twice; in a JVM that has
 * just started they take about a tenth of a second each, which the second core absorbs.
 */
final class StartAhead {
  private StartAhead() {}

  /** Call once Netty's system properties are set ({@link NettyDefaults}). */
  static void begin() {
    Thread thread =
        new Thread(
            () -> {
              LoggerFactory.getILoggerFactory();
              TlsEngine.detect();
              Transport.detect();
              JsonLayout.COMPACT.write(Map.of());
            },
            "chainsight-start-ahead");
    thread.setDaemon(true);
    thread.start();
  }
}
