package io.chainsight.core.config;

import java.time.Duration;

/**
 * {@code chainsight.diagnostics}: how failed handshakes are reported.
 *
 * @param dedupWindow identical failures within this window are counted, not logged again
 * @param recent how many recent failures the admin endpoint keeps, full diagnosis included
 */
public record DiagnosticsSettings(Duration dedupWindow, int recent) {
  public DiagnosticsSettings {
    Checks.notNegative("diagnostics.dedup-window", dedupWindow);
    if (recent < 0) {
      throw new IllegalArgumentException("diagnostics.recent: " + recent + " (expected: >= 0)");
    }
  }
}
