package io.chainsight.core.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds relative links in Markdown files that point nowhere: a file or directory that does not
 * exist, or a {@code #anchor} that no heading of the target file produces (GitHub's rule: the
 * heading's text in lower case, punctuation dropped, spaces as hyphens, {@code -1}, {@code -2}...
 * for repeats). Links inside code (fenced blocks, indented blocks, inline code) are not links.
 */
final class MarkdownLinks {
  private static final Pattern INLINE =
      Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s+(\\S+)");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  private final Map<Path, Set<String>> anchors = new HashMap<>();

  /** Every broken link of {@code file}, as {@code file:line: link (what is wrong)}. */
  List<String> broken(Path file) {
    List<String> problems = new ArrayList<>();
    List<String> lines = prose(file);
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1) + ": ";
      for (String target : targets(lines.get(i))) {
        check(file, target).ifPresent(why -> problems.add(where + why));
      }
    }
    return problems;
  }

  private Optional<String> check(Path file, String target) {
    if (SCHEME.matcher(target).find() || target.startsWith("//")) {
      return Optional.empty(); // absolute: not this test's business
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
    if (!Files.exists(resolved)) {
      return Optional.of(target + " (no such file: " + resolved + ")");
    }
    if (anchor != null
        && resolved.toString().endsWith(".md")
        && !anchorsOf(resolved).contains(anchor)) {
      return Optional.of(
          target + " (no heading of " + resolved.getFileName() + " makes #" + anchor + ")");
    }
    return Optional.empty();
  }

  private static List<String> targets(String line) {
    List<String> targets = new ArrayList<>();
    String text = line.replaceAll("`[^`]*`", "");
    Matcher inline = INLINE.matcher(text);
    while (inline.find()) {
      targets.add(inline.group(1));
    }
    Matcher reference = REFERENCE.matcher(text);
    if (reference.find()) {
      targets.add(reference.group(1));
    }
    return targets;
  }

  /** The anchors GitHub gives the headings of a Markdown file. */
  Set<String> anchorsOf(Path file) {
    return anchors.computeIfAbsent(
        file,
        f -> {
          Set<String> found = new HashSet<>();
          Map<String, Integer> seen = new HashMap<>();
          for (String line : prose(f)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
              String slug = slug(heading.group(2));
              int repeat = seen.merge(slug, 1, Integer::sum) - 1;
              found.add(repeat == 0 ? slug : slug + "-" + repeat);
            }
          }
          return found;
        });
  }

  /** GitHub's anchor for a heading's text. */
  static String slug(String heading) {
    String text =
        heading
            .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // a link reads as its text
            .replaceAll("[`*_~]", "") // code and emphasis marks
            .toLowerCase(Locale.ROOT);
    return text.replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
  }

  /**
   * The file's lines with code blocked out (as blank lines, so line numbers stay): fenced blocks,
   * and indented blocks that follow a blank line outside a list.
   */
  private static List<String> prose(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> prose = new ArrayList<>();
    String fence = null;
    boolean indentedCode = false;
    boolean previousBlank = true;
    for (String line : lines) {
      String stripped = line.stripLeading();
      if (fence != null) {
        if (stripped.startsWith(fence)) {
          fence = null;
        }
        prose.add("");
      } else if (stripped.startsWith("```") || stripped.startsWith("~~~")) {
        fence = stripped.substring(0, 3);
        prose.add("");
      } else if (line.startsWith("    ") && (indentedCode || previousBlank)) {
        indentedCode = true;
        prose.add("");
      } else {
        indentedCode = indentedCode && line.isBlank();
        prose.add(line);
      }
      previousBlank = line.isBlank();
    }
    return prose;
  }
}
