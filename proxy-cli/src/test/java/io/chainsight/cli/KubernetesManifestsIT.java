package io.chainsight.cli;

import static io.chainsight.cli.KubernetesManifests.get;
import static io.chainsight.cli.KubernetesManifests.list;
import static io.chainsight.cli.KubernetesManifests.map;
import static io.chainsight.cli.KubernetesManifests.port;
import static io.chainsight.cli.KubernetesManifests.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rendered {@code deploy/kubernetes} manifests against what chainsight itself says: the
 * ConfigMap's chainsight.conf, loaded as {@code run} loads it, with the Secrets laid out where the
 * pod mounts them. (Their schemas are checked by deploy/kubernetes/test/validate.mjs.)
 */
class KubernetesManifestsIT {
  private static final Path JAR = Path.of("target/chainsight.jar").toAbsolutePath();
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final String MOUNTS = "/etc/chainsight/";
  private static final String DEPLOYMENT = "keylime-registrar";
  private static final String CONTAINER = "chainsight";
  private static final String ADMIN_TOKEN = "token-from-the-secret";

  /** What each Secret the pod mounts holds: deploy/kubernetes/README.md tells users the same. */
  private enum SecretKind {
    /** cert-manager, server auth: tls.crt (leaf + intermediate), tls.key, ca.crt (root). */
    SERVER_CERTIFICATE(List.of("tls.crt", "tls.key", "ca.crt")),
    /** cert-manager, client auth: the same keys. */
    CLIENT_CERTIFICATE(List.of("tls.crt", "tls.key", "ca.crt")),
    /** Made by the user: ca.crt, the CAs that issue agent and tenant certificates. */
    CA_BUNDLE(List.of("ca.crt")),
    /** Made by the user: token. */
    TOKEN(List.of("token"));

    final List<String> keys;

    SecretKind(List<String> keys) {
      this.keys = keys;
    }
  }

  private static final Map<String, SecretKind> SECRETS =
      Map.of(
          "chainsight-tls", SecretKind.SERVER_CERTIFICATE,
          "chainsight-registrar-client", SecretKind.CLIENT_CERTIFICATE,
          "chainsight-client-ca", SecretKind.CA_BUNDLE,
          "chainsight-admin-token", SecretKind.TOKEN);

  private final TestPki pki = TestPki.create();

  @TempDir Path root;

  @BeforeAll
  static void kubectl() {
    assumeTrue(
        KubernetesManifests.kubectlInstalled(),
        "kubectl is not installed, so deploy/kubernetes cannot be rendered (expected: kubectl 1.21+; "
            + ".ci/run installs it)");
  }

  /** The pod as kubelet would lay it out under {@link #root}, and the config as run loads it. */
  private record Pod(
      KubernetesManifests manifests,
      Map<String, Object> container,
      Map<String, String> env,
      Path configFile,
      ChainsightConfig config) {}

  /** Each kustomization rendered once for all the tests. */
  private static final Map<String, KubernetesManifests> RENDERED = new ConcurrentHashMap<>();

  private Pod pod(String kustomization) throws Exception {
    KubernetesManifests manifests = RENDERED.get(kustomization);
    if (manifests == null) {
      manifests = KubernetesManifests.render(kustomization);
      RENDERED.put(kustomization, manifests);
    }
    Map<String, Object> container = manifests.container(DEPLOYMENT, CONTAINER);
    Map<String, Object> podSpec =
        map(manifests.one("Deployment", DEPLOYMENT), "spec.template.spec");
    Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
    for (Object volume : list(podSpec, "volumes")) {
      volumes.put(string(volume, "name"), map(volume));
    }
    for (Object mount : list(container, "volumeMounts")) {
      String mountPath = string(mount, "mountPath");
      assertThat(mountPath).as("every mount is below " + MOUNTS).startsWith(MOUNTS);
      assertThat(get(mount, "readOnly")).as(mountPath + " is mounted read-only").isEqualTo(true);
      Map<String, Object> volume = volumes.get(string(mount, "name"));
      layOut(manifests, volume, root.resolve(mountPath.substring(1)));
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Object variable : list(container, "env")) {
      Object secretRef = get(variable, "valueFrom.secretKeyRef");
      if (secretRef != null) {
        SecretKind kind = SECRETS.get(string(secretRef, "name"));
        assertThat(kind).as("env %s: Secret %s", string(variable, "name"), secretRef).isNotNull();
        assertThat(kind.keys).contains(string(secretRef, "key"));
        env.put(string(variable, "name"), ADMIN_TOKEN);
      } else {
        env.put(string(variable, "name"), string(variable, "value"));
      }
    }
    String configPath = env.get("CHAINSIGHT_CONFIG");
    assertThat(configPath).as("CHAINSIGHT_CONFIG names the mounted chainsight.conf").isNotNull();
    Path configFile = root.resolve(configPath.substring(1));
    ChainsightConfig config = ConfigLoader.load(Optional.of(configFile), env, Map.of());
    return new Pod(manifests, container, env, configFile, config);
  }

  /**
   * Writes a ConfigMap's or a Secret's projected files into {@code dir}, each Secret key checked
   * against what that Secret holds. Absolute paths in chainsight.conf are moved below the root.
   */
  private void layOut(KubernetesManifests manifests, Map<String, Object> volume, Path dir)
      throws Exception {
    Files.createDirectories(dir);
    String configMap = string(volume, "configMap.name");
    if (configMap != null) {
      Map<String, Object> data = map(manifests.one("ConfigMap", configMap), "data");
      for (Map.Entry<String, Object> entry : data.entrySet()) {
        String text = entry.getValue().toString().replace("\"" + MOUNTS, "\"" + root + MOUNTS);
        Files.writeString(dir.resolve(entry.getKey()), text);
      }
      return;
    }
    String secret = string(volume, "secret.secretName");
    SecretKind kind = SECRETS.get(secret);
    assertThat(kind)
        .as("Secret %s is one deploy/kubernetes/README.md says how to make", secret)
        .isNotNull();
    Map<String, String> content = secretContent(manifests, secret, kind);
    List<Object> items = list(volume, "secret.items");
    assertThat(items).as("volume %s lists the keys it projects", volume.get("name")).isNotEmpty();
    for (Object item : items) {
      String key = string(item, "key");
      assertThat(kind.keys).as("Secret %s has a key %s", secret, key).contains(key);
      Files.writeString(dir.resolve(string(item, "path")), content.get(key));
    }
  }

  private Map<String, String> secretContent(
      KubernetesManifests manifests, String secret, SecretKind kind) {
    String chain = pki.intermediate().certificatePem();
    switch (kind) {
      case SERVER_CERTIFICATE, CLIENT_CERTIFICATE -> {
        Purpose purpose =
            kind == SecretKind.SERVER_CERTIFICATE ? Purpose.SERVER_AUTH : Purpose.CLIENT_AUTH;
        // In a kustomization with cert-manager, the Certificate that fills the Secret must agree.
        manifests
            .certificateFor(secret)
            .ifPresent(
                certificate ->
                    assertThat(list(certificate, "spec.usages"))
                        .as("Certificate for %s", secret)
                        .contains(purpose == Purpose.SERVER_AUTH ? "server auth" : "client auth"));
        HeldCertificate leaf =
            HeldCertificate.builder()
                .commonName(secret)
                .signedBy(pki.intermediate())
                .purpose(purpose)
                .addSubjectAlternativeName("keylime-registrar")
                .build();
        return Map.of(
            "tls.crt", leaf.certificatePem() + chain,
            "tls.key", leaf.privateKeyPem(),
            "ca.crt", pki.root().certificatePem());
      }
      case CA_BUNDLE -> {
        return Map.of("ca.crt", chain + pki.root().certificatePem());
      }
      default -> {
        return Map.of("token", ADMIN_TOKEN);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/example"})
  void checkConfigAcceptsTheConfigMapWithTheSecretsLaidOutAsMounted(String kustomization)
      throws Exception {
    Pod pod = pod(kustomization);

    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + System.getenv("PATH")));
    pod.env().forEach((name, value) -> command.add(name + "=" + value));
    command.addAll(
        List.of("java", "-jar", JAR.toString(), "check-config", "-c", pod.configFile().toString()));
    Command.Result result = Command.run(command, null, 60);

    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout()).contains(pod.configFile() + " is valid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/example"})
  void everyFileTheConfigNamesIsProjectedByAVolume(String kustomization) throws Exception {
    Pod pod = pod(kustomization);
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("tls.certificate-chain", pod.config().tls().certificateChain());
    files.put("tls.private-key", pod.config().tls().privateKey());
    pod.config().tls().trustedCas().ifPresent(p -> files.put("tls.trusted-cas", p));
    for (int i = 0; i < pod.config().routes().size(); i++) {
      RouteSettings route = pod.config().routes().get(i);
      if (route.tls().isPresent()) {
        BackendTlsSettings tls = route.tls().get();
        String where = "routes[" + i + "].tls.";
        tls.certificateChain().ifPresent(p -> files.put(where + "certificate-chain", p));
        tls.privateKey().ifPresent(p -> files.put(where + "private-key", p));
        files.put(where + "trusted-cas", tls.trustedCas());
      }
    }

    assertThat(files).isNotEmpty();
    files.forEach(
        (key, path) ->
            assertThat(path)
                .as("%s: %s (expected: a file a Secret volume projects)", key, path)
                .startsWithRaw(root.resolve(MOUNTS.substring(1)))
                .isRegularFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/example"})
  void kubeletProbesAskTheProbesListener(String kustomization) throws Exception {
    Pod pod = pod(kustomization);
    var probes = pod.config().admin().probes();

    assertThat(probes.enabled()).as("admin.probes.enabled").isTrue();
    assertThat(probes.host())
        .as("admin.probes.host: kubelet probes the pod's IP")
        .isEqualTo("0.0.0.0");
    Map<String, String> paths =
        Map.of(
            "startupProbe", "/healthz", "livenessProbe", "/healthz", "readinessProbe", "/readyz");
    paths.forEach(
        (probe, path) -> {
          Map<String, Object> httpGet = map(pod.container(), probe + ".httpGet");
          assertThat(httpGet.get("path")).as(probe + ".httpGet.path").isEqualTo(path);
          assertThat(port(pod.container(), httpGet.get("port").toString()))
              .as(probe + ".httpGet.port is admin.probes.port")
              .isEqualTo(probes.port());
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/example"})
  void theServiceMonitorAndPolicyNameTheConfiguredPorts(String kustomization) throws Exception {
    Pod pod = pod(kustomization);
    KubernetesManifests m = pod.manifests();

    Map<String, Object> service = map(list(m.one("Service", DEPLOYMENT), "spec.ports").get(0));
    assertThat(port(pod.container(), service.get("targetPort").toString()))
        .as("the Service's targetPort is listen.port")
        .isEqualTo(pod.config().listen().port());
    assertThat(list(m.one("Service", DEPLOYMENT), "spec.ports")).hasSize(1);

    Map<String, Object> endpoint =
        map(list(m.one("PodMonitor", "chainsight"), "spec.podMetricsEndpoints").get(0));
    assertThat(port(pod.container(), endpoint.get("port").toString()))
        .as("the PodMonitor scrapes admin.port")
        .isEqualTo(pod.config().admin().port());
    assertThat(endpoint.get("path")).isEqualTo("/metrics");
    assertThat(pod.config().admin().token())
        .as("admin.token, from the Secret")
        .hasValue(ADMIN_TOKEN);
    assertThat(string(endpoint, "authorization.credentials.name"))
        .isEqualTo("chainsight-admin-token");

    List<Object> ingress = list(m.one("NetworkPolicy", DEPLOYMENT), "spec.ingress");
    assertThat(ingress).hasSize(2);
    assertThat(get(ingress.get(0), "from")).as("the TLS port is open to all").isNull();
    assertThat(port(pod.container(), string(list(ingress.get(0), "ports").get(0), "port")))
        .isEqualTo(pod.config().listen().port());
    // Label keys hold dots, so the selector is read as a map, not by path.
    Map<String, Object> selector = map(list(ingress.get(1), "from").get(0), "namespaceSelector");
    assertThat(map(selector, "matchLabels"))
        .as("the admin port from the monitoring namespace only")
        .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
    assertThat(port(pod.container(), string(list(ingress.get(1), "ports").get(0), "port")))
        .isEqualTo(pod.config().admin().port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/example"})
  void terminationOutlastsThePreStopPauseAndTheDrain(String kustomization) throws Exception {
    Pod pod = pod(kustomization);
    Map<String, Object> podSpec =
        map(pod.manifests().one("Deployment", DEPLOYMENT), "spec.template.spec");
    List<Object> preStop = list(pod.container(), "lifecycle.preStop.exec.command");
    assertThat(preStop).hasSize(2).startsWith("/bin/sleep");
    long pause = Long.parseLong(preStop.get(1).toString());
    long grace = ((Number) podSpec.get("terminationGracePeriodSeconds")).longValue();
    Duration drain = pod.config().shutdown().drainTimeout();

    assertThat(pause).as("the preStop pause").isPositive();
    assertThat(Duration.ofSeconds(grace))
        .as(
            "terminationGracePeriodSeconds against preStop %d s + shutdown.drain-timeout %s",
            pause, drain)
        .isGreaterThan(drain.plusSeconds(pause));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/example"})
  void theContainerIsLockedDownAsTheImageRuns(String kustomization) throws Exception {
    Pod pod = pod(kustomization);
    Map<String, Object> security = map(pod.container(), "securityContext");
    Matcher user =
        Pattern.compile("(?m)^USER (\\d+):(\\d+)$")
            .matcher(Files.readString(REPO.resolve("docker/Dockerfile")));
    assertThat(user.find()).as("docker/Dockerfile has USER uid:gid").isTrue();

    assertThat(security.get("runAsUser")).isEqualTo(Integer.parseInt(user.group(1)));
    assertThat(security.get("runAsGroup")).isEqualTo(Integer.parseInt(user.group(2)));
    assertThat(security)
        .containsEntry("runAsNonRoot", true)
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("allowPrivilegeEscalation", false);
    assertThat(list(security, "capabilities.drop")).containsExactly("ALL");
    assertThat(string(security, "seccompProfile.type")).isEqualTo("RuntimeDefault");
    Map<String, Object> podSecurity =
        map(pod.manifests().one("Deployment", DEPLOYMENT), "spec.template.spec.securityContext");
    assertThat(podSecurity.get("fsGroup"))
        .as("fsGroup is the container's group, so it reads the Secret files")
        .isEqualTo(security.get("runAsGroup"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/example"})
  void theMemoryLimitGivesTheHeapTheLauncherWasMeasuredWith(String kustomization) throws Exception {
    Pod pod = pod(kustomization);
    assertThat(pod.env()).as("the image's JAVA_OPTS apply").doesNotContainKey("JAVA_OPTS");
    Matcher percent =
        Pattern.compile("default_java_opts=\"[^\"]*-XX:MaxRAMPercentage=(\\d+)")
            .matcher(Files.readString(REPO.resolve("docker/entrypoint.sh")));
    assertThat(percent.find())
        .as("docker/entrypoint.sh sizes the heap by MaxRAMPercentage")
        .isTrue();
    Matcher launcher =
        Pattern.compile("-Xmx(\\d+)m").matcher(Files.readString(REPO.resolve("bin/chainsight")));
    assertThat(launcher.find()).as("bin/chainsight's -Xmx (what bench/ measured)").isTrue();
    String limit = string(pod.container(), "resources.limits.memory");
    assertThat(limit).as("resources.limits.memory in Mi").endsWith("Mi");
    assertThat(string(pod.container(), "resources.requests.memory")).isNotNull();
    assertThat(string(pod.container(), "resources.requests.cpu")).isNotNull();

    long heapMiB = Long.parseLong(limit.replace("Mi", "")) * Long.parseLong(percent.group(1)) / 100;
    assertThat(heapMiB)
        .as("the heap the limit gives (MaxRAMPercentage=%s of %s)", percent.group(1), limit)
        .isEqualTo(Long.parseLong(launcher.group(1)));
  }
}
