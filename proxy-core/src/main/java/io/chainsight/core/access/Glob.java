package io.chainsight.core.access;

import java.util.regex.Pattern;

/**
 * A name pattern from an access rule: {@code *} stands for any run of characters (none included,
 * {@code /} and {@code .} included), {@code ?} for exactly one, and every other character for
 * itself, regex metacharacters too ({@code agent[1].example} is eight literal characters and a dot,
 * not a character class). Compiled once.
 */
final class Glob {
  private final String text;
  private final Pattern pattern;

  private Glob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /** A case-sensitive glob: common names, URIs. */
  static Glob caseSensitive(String text) {
    return new Glob(text, Pattern.compile(regex(text), Pattern.DOTALL));
  }

  /** A glob that ignores ASCII case: DNS names, which are case-insensitive (RFC 4343). */
  static Glob ignoringCase(String text) {
    return new Glob(text, Pattern.compile(regex(text), Pattern.DOTALL | Pattern.CASE_INSENSITIVE));
  }

  boolean matches(String value) {
    return pattern.matcher(value).matches();
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * The glob as a regex: wildcards translated, every run of literal characters quoted as a whole.
   */
  private static String regex(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return regex.toString();
  }
}
