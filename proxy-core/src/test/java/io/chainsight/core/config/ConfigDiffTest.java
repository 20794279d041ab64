package io.chainsight.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
  private static EffectiveConfig.Entry entry(String key, String value) {
    return new EffectiveConfig.Entry(key, value, "default");
  }

  @Test
  void aChangedValueIsOneLineWithBothValues() {
    ConfigDiff diff =
        ConfigDiff.between(
            List.of(entry("limits.max-headers", "100"), entry("log.access", "false")),
            List.of(entry("limits.max-headers", "10"), entry("log.access", "false")),
            Set.of());

    assertThat(diff.lines()).containsExactly("limits.max-headers: 100 -> 10");
    assertThat(diff.needingRestart()).isEmpty();
  }

  @Test
  void anOriginAloneIsNoChange() {
    ConfigDiff diff =
        ConfigDiff.between(
            List.of(new EffectiveConfig.Entry("backend.url", "\"http://a\"", "conf:3")),
            List.of(new EffectiveConfig.Entry("backend.url", "\"http://a\"", "environment")),
            Set.of());

    assertThat(diff.isEmpty()).isTrue();
  }

  @Test
  void aRestartKeySaysItNeedsARestartAndHowToReloadTheRest() {
    ConfigDiff diff =
        ConfigDiff.between(
            List.of(entry("listen.port", "8443")), List.of(entry("listen.port", "9443")), Set.of());

    assertThat(diff.needingRestart()).hasSize(1);
    assertThat(diff.lines())
        .containsExactly(
            "listen.port: 8443 -> 9443 needs a restart (restart chainsight to take it, or put"
                + " back 8443 to reload the rest)");
  }

  @Test
  void aSecretNeverShowsAndCountsAsChangedOnlyWhenTheCallerSaysSo() {
    List<EffectiveConfig.Entry> before = List.of(entry("admin.token", EffectiveConfig.REDACTED));
    List<EffectiveConfig.Entry> after = List.of(entry("admin.token", EffectiveConfig.REDACTED));

    assertThat(ConfigDiff.between(before, after, Set.of()).isEmpty()).isTrue();
    assertThat(ConfigDiff.between(before, after, Set.of("admin.token")).lines())
        .containsExactly("admin.token: changed (<redacted>)");
    assertThat(
            ConfigDiff.between(
                    List.of(entry("admin.token", EffectiveConfig.NOT_SET)), after, Set.of())
                .lines())
        .containsExactly("admin.token: <not set> -> <redacted>");
  }

  @Test
  void aLongValueIsShownAroundWhatChanged() {
    String rules = "{\"subject-cn\":\"agent-1\"}".repeat(10);
    String before = "[" + rules + "]";
    String after = "[" + rules + ",{\"subject-cn\":\"tenant-1\"}]";

    String line =
        ConfigDiff.between(
                List.of(entry("access.allow", before)),
                List.of(entry("access.allow", after)),
                Set.of())
            .lines()
            .get(0);

    assertThat(line)
        .isEqualTo(
            "access.allow: ...t-cn\":\"agent-1\"}{\"subject-cn\":\"agent-1\"}] -> ...t-cn\":\"agent-1\"}"
                + "{\"subject-cn\":\"agent-1\"},{\"subject-cn\":\"tenant-1\"}]");
  }

  @Test
  void everyRestartKeyIsDocumentedAsNeedingARestartAndNoOtherIs() throws Exception {
    String reference;
    try (InputStream in = ConfigDiff.class.getClassLoader().getResourceAsStream("reference.conf")) {
      reference = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(reference.split("Needs a restart", -1)).hasSize(ConfigDiff.RESTART_KEYS.size() + 1);
    List<String> lines = reference.lines().toList();
    for (String key : ConfigDiff.RESTART_KEYS) {
      assertThat(ConfigLoader.keys()).contains(key);
      // Down the sections (two more spaces each) to the key's line.
      String[] path = key.split("\\.");
      int line = lines.indexOf("chainsight {");
      String indent = "";
      for (int depth = 0; depth < path.length; depth++) {
        indent += "  ";
        String opening = indent + path[depth] + (depth < path.length - 1 ? " {" : " = ");
        while (!lines.get(line).startsWith(opening)) {
          line++;
        }
      }
      StringBuilder comment = new StringBuilder();
      for (int i = line - 1; lines.get(i).startsWith(indent + "#"); i--) {
        comment.insert(0, lines.get(i));
      }
      assertThat(comment.toString()).as(key).contains("Needs a restart");
    }
  }
}
