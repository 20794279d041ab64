package io.chainsight.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the known key a mistyped one was meant to be ({@code tls.client_auth} for {@code
 * tls.client-auth}).
 */
final class DidYouMean {
  private DidYouMean() {}

  /**
   * The closest known key, if it is close enough to be a typo: the same key with "_" for "-" or
   * another case, or at most a quarter of its characters (and at least two) wrong.
   */
  static Optional<String> closest(String wrong, Collection<String> known) {
    String normalized = normalize(wrong);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = normalize(candidate).equals(normalized) ? 0 : distance(wrong, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int tolerated = Math.max(2, wrong.length() / 4);
    return bestDistance <= tolerated ? Optional.ofNullable(best) : Optional.empty();
  }

  private static String normalize(String key) {
    return key.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
