package io.chainsight.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.chainsight.core.testing.Command;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One kustomization of {@code deploy/kubernetes} rendered by {@code kubectl kustomize}, as plain
 * maps and lists, with the lookups the manifest tests need. Paths into an object are written as
 * {@code "spec.template.spec"}.
 */
public final class KubernetesManifests {
  public static final Path DIRECTORY = Path.of("../deploy/kubernetes").toAbsolutePath().normalize();

  private final String kustomization;
  private final List<Map<String, Object>> objects;

  private KubernetesManifests(String kustomization, List<Map<String, Object>> objects) {
    this.kustomization = kustomization;
    this.objects = objects;
  }

  /** Whether {@code kubectl} is installed (its kustomize renders the manifests). */
  public static boolean kubectlInstalled() {
    return Command.run(List.of("sh", "-c", "command -v kubectl"), null, 10).exitCode() == 0;
  }

  /** Renders {@code deploy/kubernetes/<kustomization>}, failing with kubectl's message. */
  public static KubernetesManifests render(String kustomization) throws IOException {
    Command.Result rendered =
        Command.run(
            List.of("kubectl", "kustomize", DIRECTORY.resolve(kustomization).toString()), null, 60);
    if (rendered.exitCode() != 0) {
      throw new AssertionError(
          "kubectl kustomize deploy/kubernetes/" + kustomization + " failed: " + rendered.stderr());
    }
    try (MappingIterator<Map<String, Object>> documents =
        new YAMLMapper()
            .readerFor(new TypeReference<Map<String, Object>>() {})
            .readValues(rendered.stdout())) {
      List<Map<String, Object>> objects =
          documents.readAll().stream().filter(o -> o != null && !o.isEmpty()).toList();
      return new KubernetesManifests(kustomization, objects);
    }
  }

  public String kustomization() {
    return kustomization;
  }

  public List<Map<String, Object>> all(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  /**
   * The one object of this kind whose name starts with {@code name} (generated names have a hash).
   */
  public Map<String, Object> one(String kind, String name) {
    List<Map<String, Object>> found =
        all(kind).stream().filter(o -> string(o, "metadata.name").startsWith(name)).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          kustomization + ": expected one " + kind + " named " + name + "*, found " + found.size());
    }
    return found.get(0);
  }

  public Optional<Map<String, Object>> certificateFor(String secretName) {
    return all("Certificate").stream()
        .filter(c -> secretName.equals(get(c, "spec.secretName")))
        .findFirst();
  }

  /** The container {@code name} of the Deployment {@code deployment}. */
  public Map<String, Object> container(String deployment, String name) {
    return list(one("Deployment", deployment), "spec.template.spec.containers").stream()
        .map(KubernetesManifests::map)
        .filter(c -> name.equals(c.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in " + deployment));
  }

  /** The container port named {@code name}. */
  public static int port(Map<String, Object> container, String name) {
    return list(container, "ports").stream()
        .map(KubernetesManifests::map)
        .filter(p -> name.equals(p.get("name")))
        .map(p -> ((Number) p.get("containerPort")).intValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name));
  }

  public static Object get(Object object, String path) {
    Object at = object;
    for (String key : path.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(key);
    }
    return at;
  }

  public static String string(Object object, String path) {
    Object value = get(object, path);
    return value == null ? null : value.toString();
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object object) {
    return (Map<String, Object>) object;
  }

  public static Map<String, Object> map(Object object, String path) {
    Object value = get(object, path);
    if (value == null) {
      throw new AssertionError("missing " + path);
    }
    return map(value);
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(Object object, String path) {
    Object value = get(object, path);
    return value == null ? List.of() : (List<Object>) value;
  }
}
