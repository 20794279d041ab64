package io.chainsight.core.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parser for the Prometheus text exposition format (version 0.0.4), strict enough to reject what
 * Prometheus would: malformed lines, bad escapes, a TYPE after its samples, a sample outside its
 * declared family, the same series twice. Tests read /metrics through it instead of matching lines
 * with regexes.
 */
final class PrometheusText {
  /**
   * One sample line: the full sample name ({@code foo_total}, {@code foo_count}), its labels and
   * value.
   */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** One family: the name from its TYPE line, the type, the help, and its samples in order. */
  record Family(String name, String type, String help, List<Sample> samples) {}

  private static final List<String> SUFFIXES =
      List.of("_total", "_created", "_count", "_sum", "_bucket", "_info");

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  static PrometheusText parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> series = new HashSet<>();
    String[] lines = text.split("\n", -1);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int number = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String rest = line.substring(7);
        int space = rest.indexOf(' ');
        if (space <= 0) {
          throw error(number, line, "expected: # HELP|TYPE NAME TEXT");
        }
        String name = rest.substring(0, space);
        checkName(number, line, name);
        String value = rest.substring(space + 1);
        if (line.startsWith("# HELP ")) {
          if (helps.put(name, unescapeHelp(number, line, value)) != null) {
            throw error(number, line, "second HELP for " + name);
          }
        } else {
          if (!List.of("counter", "gauge", "summary", "histogram", "untyped").contains(value)) {
            throw error(number, line, "unknown type " + value);
          }
          if (types.put(name, value) != null) {
            throw error(number, line, "second TYPE for " + name);
          }
          if (samples.containsKey(name)) {
            throw error(number, line, "TYPE for " + name + " after its samples");
          }
          samples.put(name, new ArrayList<>());
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue; // a comment
      }
      Sample sample = parseSample(number, line);
      String family = familyOf(sample.name(), types);
      if (family == null) {
        throw error(number, line, "sample " + sample.name() + " has no TYPE line before it");
      }
      if (!series.add(sample.name() + new TreeMap<>(sample.labels()))) {
        throw error(number, line, "the same series twice");
      }
      samples.get(family).add(sample);
    }
    Map<String, Family> families = new LinkedHashMap<>();
    types.forEach(
        (name, type) ->
            families.put(
                name,
                new Family(
                    name, type, helps.getOrDefault(name, ""), List.copyOf(samples.get(name)))));
    return new PrometheusText(families);
  }

  Map<String, Family> families() {
    return families;
  }

  Family family(String name) {
    Family family = families.get(name);
    if (family == null) {
      throw new AssertionError(
          "no family " + name + " in the exposition; families: " + families.keySet());
    }
    return family;
  }

  /** The value of the sample with exactly these labels, if present. */
  Optional<Double> value(String sampleName, Map<String, String> labels) {
    return families.values().stream()
        .flatMap(f -> f.samples().stream())
        .filter(s -> s.name().equals(sampleName) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }

  private static String familyOf(String sampleName, Map<String, String> types) {
    if (types.containsKey(sampleName)) {
      return sampleName;
    }
    for (String suffix : SUFFIXES) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return null;
  }

  private static Sample parseSample(int number, String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    checkName(number, line, name);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i >= line.length()) {
          throw error(number, line, "unterminated label set");
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw error(number, line, "label without =");
        }
        String label = line.substring(i, eq);
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
          throw error(number, line, "bad label name \"" + label + "\"");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw error(number, line, "label value not quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          if (j >= line.length()) {
            throw error(number, line, "unterminated label value");
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char next = j + 1 < line.length() ? line.charAt(j + 1) : ' ';
            if (next == '\\' || next == '"') {
              value.append(next);
            } else if (next == 'n') {
              value.append('\n');
            } else {
              throw error(number, line, "bad escape \\" + next + " in a label value");
            }
            j += 2;
          } else {
            value.append(c);
            j++;
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw error(number, line, "label " + label + " twice");
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          throw error(number, line, "expected , or } after a label value");
        }
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw error(number, line, "expected a space before the value");
    }
    String[] rest = line.substring(i + 1).strip().split(" +");
    if (rest.length < 1 || rest.length > 2) {
      throw error(number, line, "expected: VALUE [TIMESTAMP]");
    }
    return new Sample(name, labels, parseValue(number, line, rest[0]));
  }

  private static double parseValue(int number, String line, String value) {
    switch (value) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw error(number, line, "bad value " + value);
        }
    }
  }

  private static String unescapeHelp(int number, String line, String help) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char next = i + 1 < help.length() ? help.charAt(i + 1) : ' ';
      if (next == '\\') {
        out.append('\\');
      } else if (next == 'n') {
        out.append('\n');
      } else {
        throw error(number, line, "bad escape \\" + next + " in HELP");
      }
      i++;
    }
    return out.toString();
  }

  private static void checkName(int number, String line, String name) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw error(number, line, "bad metric name \"" + name + "\"");
    }
  }

  private static IllegalArgumentException error(int number, String line, String problem) {
    return new IllegalArgumentException("line " + number + ": " + problem + ": " + line);
  }
}
