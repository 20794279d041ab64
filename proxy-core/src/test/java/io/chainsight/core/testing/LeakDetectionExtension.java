package io.chainsight.core.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reported a leaked buffer (or other reference-counted object) while it
 * ran: the issue asks for no leak under hostile input, and a leak only shows as a log line unless
 * something turns it into a failure. Registered for every test class of both modules by service
 * loading (META-INF/services and junit-platform.properties in proxy-core's test resources, which
 * proxy-cli gets through the test-jar); the poms run every test JVM with {@code
 * -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 *
 * <p>It runs after the test's own {@code @AfterEach} methods, so the proxy a test started is closed
 * and its buffers are either released or garbage. A report can name a leak from an earlier test
 * (non-buffer types are reported late, see {@link LeakReports}); the report's "Created at" record
 * shows where the object came from.
 */
public final class LeakDetectionExtension
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    LeakReports.install();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertNoLeaks(context.getRequiredTestClass().getSimpleName() + " " + context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    assertNoLeaks(context.getDisplayName() + " (its @AfterAll)");
  }

  /**
   * Throws when Netty reported any leak since the last check; {@code where} names the test in the
   * message.
   */
  static void assertNoLeaks(String where) {
    List<String> reports = LeakReports.collect();
    if (!reports.isEmpty()) {
      throw new AssertionError(
          reports.size()
              + " Netty leak report(s) during or before "
              + where
              + " (expected: none; every ByteBuf, SSL engine or context must be released; the records below show "
              + "where the object was created and last touched):\n"
              + String.join("\n", reports));
    }
  }
}
