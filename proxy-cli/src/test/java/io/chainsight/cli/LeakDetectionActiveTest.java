package io.chainsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.testing.LeakReports;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * proxy-cli's tests get the leak check through proxy-core's test-jar (its service file and
 * junit-platform.properties) and the paranoid level from the parent pom: this fails if either stops
 * reaching this module.
 */
class LeakDetectionActiveTest {
  @Test
  void leakDetectionExtensionIsRegisteredAtParanoidLevel() {
    assertThat(LeakReports.installed())
        .as("LeakDetectionExtension attached its appender before this class")
        .isTrue();
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }
}
