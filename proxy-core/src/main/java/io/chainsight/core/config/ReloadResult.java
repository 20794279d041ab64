package io.chainsight.core.config;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How one reload went (a change of the watched files, SIGHUP or {@code POST /reload}): {@code
 * CHANGED} (a new generation serves new requests), {@code UNCHANGED} (nothing to apply) or {@code
 * FAILED} (refused: the previous generation keeps serving).
 *
 * @param generation the generation serving after this reload
 * @param serving the served certificate after this reload, as operators compare it
 * @param servingBefore the served certificate before it
 * @param changes one line per changed key ({@link ConfigDiff.Change#describe}), secrets redacted;
 *     for a refused reload, what would have changed
 * @param problems why it was refused; empty otherwise
 */
public record ReloadResult(
    Outcome outcome,
    String trigger,
    Instant at,
    long generation,
    String serving,
    String servingBefore,
    List<String> changes,
    List<String> problems) {
  public enum Outcome {
    CHANGED,
    UNCHANGED,
    FAILED
  }

  public ReloadResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(trigger, "trigger");
    changes = List.copyOf(changes);
    problems = List.copyOf(problems);
  }

  /**
   * One line: what happened, what serves now; the changed keys follow on their own lines (see
   * {@link #changes}).
   */
  public String describe() {
    switch (outcome) {
      case CHANGED:
        String tls =
            serving.equals(servingBefore)
                ? "serving " + serving
                : "now serving " + serving + " (was " + servingBefore + ")";
        return "reloaded configuration ("
            + trigger
            + "): generation "
            + generation
            + ", "
            + (changes.isEmpty()
                ? "TLS material changed"
                : changes.size() + (changes.size() == 1 ? " key changed" : " keys changed"))
            + "; "
            + tls;
      case UNCHANGED:
        return "reloaded configuration ("
            + trigger
            + "): no change, still generation "
            + generation
            + ", serving "
            + serving;
      default:
        return "reload ("
            + trigger
            + ") refused, still serving generation "
            + generation
            + " ("
            + serving
            + "): "
            + String.join("; ", problems);
    }
  }
}
