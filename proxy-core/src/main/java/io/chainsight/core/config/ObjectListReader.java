package io.chainsight.core.config;

import static io.chainsight.core.config.Origins.suffix;
import static io.chainsight.core.config.Reference.ALIASES;
import static io.chainsight.core.config.Reference.CONCISE;
import static io.chainsight.core.config.Reference.FILE_ONLY;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.chainsight.core.access.AccessRule;
import io.chainsight.core.access.AccessRule.InvalidRuleException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Reads the lists of objects, whose element keys reference.conf cannot declare: {@code
 * access.allow} here ({@link AccessRule#FIELDS}), {@code routes} in {@link RoutesReader}. Each
 * element with a problem is reported, at its index and line, and left out.
 */
final class ObjectListReader {
  final List<String> problems;

  /** Resolves a path written in the file (text, origin) like the other TLS paths. */
  private final BiFunction<String, ConfigOrigin, Path> paths;

  ObjectListReader(List<String> problems, BiFunction<String, ConfigOrigin, Path> paths) {
    this.problems = problems;
    this.paths = paths;
  }

  /**
   * {@code access.allow}: each element a rule; an element with a problem is reported and left out.
   */
  List<AccessRule> rules(String key, ConfigValue value) {
    return list(key, value).map(list -> rules(key, list)).orElse(List.of());
  }

  /** {@code routes}: each element a route; then routes that another one hides completely. */
  List<RouteSettings> routes(String key, ConfigValue value) {
    return new RoutesReader(this).routes(key, value);
  }

  Optional<ConfigList> list(String where, ConfigValue value) {
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return Optional.empty();
    }
    if (value.valueType() != ConfigValueType.LIST) {
      String key = where.replaceAll("^routes\\[\\d+]\\.", "");
      problems.add(
          where
              + ": "
              + value.render(CONCISE)
              + " (expected: a list, e.g. "
              + where
              + " = "
              + FILE_ONLY.getOrDefault(key, "[ ... ]")
              + ")"
              + suffix(value.origin()));
      return Optional.empty();
    }
    return Optional.of((ConfigList) value);
  }

  List<AccessRule> rules(String where, ConfigList list) {
    List<AccessRule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      rule(where + "[" + i + "]", list.get(i)).ifPresent(rules::add);
    }
    return rules;
  }

  private Optional<AccessRule> rule(String where, ConfigValue element) {
    Optional<ConfigObject> object = object(where, element, "{ subject-cn = \"keylime-tenant\" }");
    if (object.isEmpty()) {
      return Optional.empty();
    }
    int before = problems.size();
    unknownKeys(where, object.get(), "", AccessRule.FIELDS);
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : AccessRule.FIELDS) {
      ConfigValue value = object.get().get(field);
      if (value == null || value.valueType() == ConfigValueType.NULL) {
        continue;
      }
      if (value.valueType() == ConfigValueType.LIST
          || value.valueType() == ConfigValueType.OBJECT) {
        problems.add(
            where
                + "."
                + field
                + ": "
                + value.render(CONCISE)
                + " (expected: one string; for several "
                + "values write one rule each: any rule allows)"
                + suffix(value.origin()));
        continue;
      }
      fields.put(field, String.valueOf(value.unwrapped()));
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    try {
      return Optional.of(AccessRule.of(fields));
    } catch (InvalidRuleException e) {
      ConfigValue at = e.field().map(object.get()::get).orElse(element);
      problems.add(e.at(where) + suffix(at.origin()));
      return Optional.empty();
    }
  }

  /**
   * A record's own check ({@code routes[].backend: ...}), put at this element's index and at the
   * line of the value it names (else of the object itself).
   */
  void recordProblem(String where, ConfigObject object, IllegalArgumentException e) {
    String relative = e.getMessage().replaceFirst("^routes\\[]\\.", "");
    String field = relative.substring(0, Math.max(0, relative.indexOf(':')));
    ConfigValue value = field.matches("[a-z-]+") ? object.get(field) : null;
    problems.add(where + "." + relative + suffix((value != null ? value : object).origin()));
  }

  /** The element as an object, or a problem saying what an element looks like. */
  Optional<ConfigObject> object(String where, ConfigValue element, String example) {
    if (element.valueType() != ConfigValueType.OBJECT) {
      problems.add(
          where
              + ": "
              + element.render(CONCISE)
              + " (expected: an object such as "
              + example
              + ")"
              + suffix(element.origin()));
      return Optional.empty();
    }
    return Optional.of((ConfigObject) element);
  }

  /** A nested section of an element ({@code tls}, {@code access}), if present and an object. */
  Optional<ConfigObject> section(String where, ConfigObject element, String name, String example) {
    ConfigValue value = element.get(name);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return Optional.empty();
    }
    return object(where + "." + name, value, example);
  }

  /**
   * Keys of {@code object} (found under {@code prefix} of the element) that {@code known} does not
   * list.
   */
  void unknownKeys(String where, ConfigObject object, String prefix, List<String> known) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      String relative = prefix + entry.getKey();
      if (known.contains(relative)) {
        continue;
      }
      Optional<String> suggestion =
          Optional.ofNullable(ALIASES.get(entry.getKey()))
              .filter(known::contains)
              .or(() -> DidYouMean.closest(relative, known));
      List<String> siblings = new ArrayList<>();
      for (String candidate : known) {
        if (candidate.startsWith(prefix) && candidate.indexOf('.', prefix.length()) < 0) {
          siblings.add(where + "." + candidate);
        }
      }
      problems.add(
          where
              + "."
              + relative
              + ": unknown key ("
              + suggestion
                  .map(s -> "did you mean " + where + "." + s + "?")
                  .orElse("expected: one of " + String.join(", ", siblings))
              + ")"
              + suffix(entry.getValue().origin()));
    }
  }

  /** A string field of an element; numbers and booleans are taken as their text. */
  Optional<String> text(String where, ConfigObject object, String field) {
    ConfigValue value = object.get(field);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return Optional.empty();
    }
    if (value.valueType() == ConfigValueType.LIST || value.valueType() == ConfigValueType.OBJECT) {
      problems.add(
          where
              + "."
              + field
              + ": "
              + value.render(CONCISE)
              + " (expected: a string)"
              + suffix(value.origin()));
      return Optional.empty();
    }
    return Optional.of(String.valueOf(value.unwrapped()).trim());
  }

  /** A path written in an element, resolved against the config file's directory. */
  Path path(String text, ConfigOrigin origin) {
    return paths.apply(text, origin);
  }
}
