package io.chainsight.cli.command;

import io.chainsight.cli.LogSetup;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.demo.DemoCertificates;
import io.chainsight.core.demo.DemoInstructions;
import io.chainsight.core.demo.RegistrarStandIn;
import io.chainsight.core.proxy.ChainsightServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chainsight demo}: the proxy on loopback with the example PKI, in front of a registrar
 * stand-in (or the service already on the backend port), and the commands to try against it. Runs
 * until Ctrl-C.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run chainsight on localhost with the example PKI in front of a Keylime registrar stand-in, and print "
          + "curl commands that succeed and fail. Runs until Ctrl-C.",
      "Uses certs-example/ beside the config's directory when complete; otherwise generates a PKI into "
          + "./demo-work/certs."
    })
public final class DemoCommand implements Callable<Integer> {
  private static final Path WORK_DIRECTORY = Path.of("demo-work");

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      defaultValue = "config/demo.conf",
      description =
          "Config file (default: ${DEFAULT-VALUE}); when missing, the demo builds its own.")
  Path config;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8443",
      description = "TLS port of the proxy on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--backend-port",
      paramLabel = "PORT",
      defaultValue = "8890",
      description = "Port of the registrar stand-in on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int backendPort;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Path> configFile = Optional.of(config).filter(Files::isRegularFile);
    if (configFile.isEmpty()) {
      out.println(
          "chainsight demo: "
              + config
              + " not found; running with a configuration built for the demo");
    }

    DemoCertificates certs;
    try {
      certs = DemoCertificates.locate(configFile, WORK_DIRECTORY, Instant.now());
    } catch (IOException e) {
      err.println(
          "chainsight demo: cannot write an example PKI into "
              + WORK_DIRECTORY.resolve("certs")
              + ": "
              + e.getMessage()
              + " (expected: a writable working directory; run the demo from the repository root)");
      return 1;
    }
    if (certs.generated()) {
      out.println(
          "chainsight demo: generated an example PKI (for testing only) in " + certs.directory());
    }
    certs
        .expiryProblems(Instant.now())
        .forEach(problem -> err.println("chainsight demo: " + problem));

    // The stand-in starts first: with --backend-port 0 the backend URL needs the port it got.
    RegistrarStandIn standIn = null;
    int backendBound = backendPort;
    String backendRole;
    try {
      standIn = RegistrarStandIn.start(backendPort);
      backendBound = standIn.port();
      backendRole = " (registrar stand-in)";
    } catch (BindException e) {
      backendRole = " (something already listens there: the demo uses that service)";
    } catch (IOException e) {
      err.println(
          "chainsight demo: cannot start the registrar stand-in on 127.0.0.1:"
              + backendPort
              + ": "
              + e.getMessage()
              + " (expected: a free port; pass --backend-port)");
      return 1;
    }
    String backend = "http://127.0.0.1:" + backendBound;

    ChainsightConfig settings;
    try {
      settings = ConfigLoader.load(configFile, System.getenv(), overrides(certs, backend));
    } catch (ConfigException e) {
      close(standIn);
      // The same form as check-config and run: one line per problem, then where they came from.
      e.problems().forEach(problem -> err.println("error: " + problem));
      err.println(
          "chainsight demo: "
              + e.problems().size()
              + (e.problems().size() == 1 ? " problem" : " problems")
              + " in "
              + configFile
                  .map(p -> p.toAbsolutePath().normalize().toString())
                  .orElse("the demo's own configuration"));
      return ConfigOption.EXIT_CONFIG;
    }
    LogSetup.apply(settings.log());

    ChainsightServer proxy;
    try {
      proxy = ChainsightServer.start(settings);
    } catch (Exception e) {
      close(standIn);
      err.println(
          "chainsight demo: cannot start the proxy on "
              + settings.listen().host()
              + ":"
              + settings.listen().port()
              + ": "
              + e.getMessage()
              + " (expected: a free port; pass --port)");
      return 1;
    }
    RegistrarStandIn startedStandIn = standIn;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  proxy.close();
                  close(startedStandIn);
                },
                "demo-shutdown"));

    out.println();
    out.print(
        DemoInstructions.render(
            display(certs.directory()),
            proxy.tlsAddress().getPort(),
            launcher(),
            backend + backendRole));
    proxy
        .adminAddress()
        .ifPresent(
            admin ->
                out.println(
                    "Admin endpoint: http://"
                        + admin.getHostString()
                        + ":"
                        + admin.getPort()
                        + "/"));
    out.flush();
    proxy.awaitClose();
    return 0;
  }

  /** The demo's options, as config keys: they win over the file and the environment. */
  private Map<String, String> overrides(DemoCertificates certs, String backend) {
    Map<String, String> overrides = new LinkedHashMap<>(certs.overrides());
    overrides.put("listen.host", "127.0.0.1");
    overrides.put("listen.port", Integer.toString(port));
    overrides.put("backend.url", backend);
    return overrides;
  }

  /**
   * The directory as the user types it: relative to where they started the demo when it is below
   * it.
   */
  private static String display(Path directory) {
    Path here = Path.of("").toAbsolutePath();
    Path absolute = directory.toAbsolutePath().normalize();
    if (!absolute.startsWith(here)) {
      return absolute.toString();
    }
    String relative = here.relativize(absolute).toString();
    return relative.isEmpty() ? "." : relative;
  }

  private static String launcher() {
    return Files.isExecutable(Path.of("bin/chainsight")) ? "bin/chainsight" : "chainsight";
  }

  private static void close(RegistrarStandIn standIn) {
    if (standIn != null) {
      standIn.close();
    }
  }
}
