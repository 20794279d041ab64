package io.chainsight.core.admin;

import io.chainsight.core.config.EffectiveConfig;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code /config} from the loader's effective configuration: real origins, secrets redacted by the
 * loader.
 */
public final class EffectiveConfigView implements ConfigView {
  private final List<Entry> entries;

  private EffectiveConfigView(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static EffectiveConfigView of(EffectiveConfig effective) {
    return new EffectiveConfigView(
        effective.entries().stream()
            .map(e -> new Entry(e.key(), e.value(), e.origin()))
            .collect(Collectors.toList()));
  }

  @Override
  public List<Entry> entries() {
    return entries;
  }
}
