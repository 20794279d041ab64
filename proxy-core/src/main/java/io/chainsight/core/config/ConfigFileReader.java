package io.chainsight.core.config;

import static io.chainsight.core.config.Origins.detail;
import static io.chainsight.core.config.Origins.suffix;
import static io.chainsight.core.config.Origins.where;
import static io.chainsight.core.config.Reference.CONCISE;
import static io.chainsight.core.config.Reference.REFERENCE;
import static io.chainsight.core.config.Reference.ROOT;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The config file layer: the file itself checked (exists, a file, readable, valid HOCON, its
 * substitutions resolved), then its keys compared with reference.conf.
 */
final class ConfigFileReader {
  private ConfigFileReader() {}

  /**
   * The file's {@code chainsight} object, substitutions resolved, with its keys checked against
   * reference.conf. A file that cannot be read or parsed fails at once: there is nothing to check
   * further.
   */
  static Config read(Path file, List<String> problems) throws ConfigException {
    if (!Files.exists(file)) {
      throw new ConfigException(
          file
              + " does not exist (expected: a HOCON config file; check the path given "
              + "with -c/--config or "
              + ConfigLoader.CONFIG_FILE_ENV
              + ")");
    }
    if (Files.isDirectory(file)) {
      throw new ConfigException(
          file
              + " is a directory (expected: a HOCON config file, e.g. "
              + file.resolve("chainsight.conf")
              + ")");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigException(
          file
              + " cannot be read: permission denied (expected: readable by the user "
              + "running chainsight)");
    }
    Config parsed;
    try {
      parsed =
          ConfigFactory.parseFile(
              file.toFile(),
              ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(
          where(e.origin(), file)
              + ": HOCON syntax error: "
              + detail(e)
              + " (expected: valid HOCON, e.g. chainsight { listen { port = 8443 } })");
    }
    try {
      // Substitutions may name defaults (${chainsight.listen.port}) as well as the file's own keys.
      parsed = parsed.resolveWith(parsed.withFallback(REFERENCE.atKey(ROOT)));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(
          where(e.origin(), file)
              + ": "
              + detail(e)
              + " (expected: a key defined in "
              + "the file or an environment variable; write ${?NAME} for one that may be absent)");
    }
    for (Map.Entry<String, ConfigValue> top : parsed.root().entrySet()) {
      if (!top.getKey().equals(ROOT) && REFERENCE.root().containsKey(top.getKey())) {
        problems.add(
            top.getKey()
                + ": found at the top level, outside chainsight { } (expected: "
                + ROOT
                + " { "
                + top.getKey()
                + " { ... } }; move it inside)"
                + suffix(top.getValue().origin()));
      }
    }
    ConfigValue root = parsed.root().get(ROOT);
    if (root == null) {
      return ConfigFactory.empty();
    }
    if (root.valueType() != ConfigValueType.OBJECT) {
      problems.add(
          ROOT
              + ": "
              + root.render(CONCISE)
              + " (expected: an object, "
              + ROOT
              + " { ... })"
              + suffix(root.origin()));
      return ConfigFactory.empty();
    }
    List<List<String>> misshapen = new ArrayList<>();
    checkKeys((ConfigObject) root, REFERENCE.root(), List.of(), problems, misshapen);
    Config config = ((ConfigObject) root).toConfig();
    for (List<String> path : misshapen) {
      // Reported already; dropping it lets the default stand in, so the rest is still checked.
      config = config.withoutPath(ConfigUtil.joinPath(path));
    }
    return config;
  }

  /**
   * Unknown keys, and objects where a value belongs (or the reverse), compared with reference.conf.
   */
  private static void checkKeys(
      ConfigObject actual,
      ConfigObject reference,
      List<String> prefix,
      List<String> problems,
      List<List<String>> misshapen) {
    for (Map.Entry<String, ConfigValue> entry : actual.entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(entry.getKey());
      String key = String.join(".", path);
      ConfigValue value = entry.getValue();
      ConfigValue expected = reference.get(entry.getKey());
      if (expected == null) {
        problems.add(
            Reference.unknownKey(key, reference.keySet(), prefix) + suffix(value.origin()));
      } else if (expected.valueType() == ConfigValueType.OBJECT
          && value.valueType() == ConfigValueType.OBJECT) {
        checkKeys((ConfigObject) value, (ConfigObject) expected, path, problems, misshapen);
      } else if (expected.valueType() == ConfigValueType.OBJECT) {
        problems.add(
            key
                + ": "
                + value.render(CONCISE)
                + " (expected: an object with "
                + Reference.prefixed(key, ((ConfigObject) expected).keySet())
                + ")"
                + suffix(value.origin()));
        misshapen.add(path);
      } else if (value.valueType() == ConfigValueType.OBJECT) {
        String shape = expected.valueType() == ConfigValueType.LIST ? "a list" : "a single value";
        problems.add(
            key
                + ": "
                + value.render(CONCISE)
                + " (expected: "
                + shape
                + ", not an object; e.g. "
                + key
                + " = "
                + Reference.example(key)
                + ")"
                + suffix(value.origin()));
        misshapen.add(path);
      }
    }
  }
}
