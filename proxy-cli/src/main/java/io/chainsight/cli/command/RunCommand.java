package io.chainsight.cli.command;

import io.chainsight.cli.LogSetup;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ConfigSource;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.proxy.ChainsightServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code chainsight run}: starts the proxy and serves until SIGTERM or SIGINT. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Start the TLS proxy (refuses to start on a configuration check-config would reject).",
      "Runs until SIGTERM/SIGINT; exit code 2 on a bad configuration."
    })
public final class RunCommand implements Callable<Integer> {
  @Mixin private ConfigOption configOption;

  @Option(names = "--port", paramLabel = "PORT", description = "Override listen.port.")
  private Integer port;

  @Option(
      names = "--backend",
      paramLabel = "URL",
      description = "Override backend.url, e.g. http://127.0.0.1:8890.")
  private String backend;

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (port != null) {
      overrides.put("listen.port", port.toString());
    }
    if (backend != null) {
      overrides.put("backend.url", backend);
    }
    Optional<EffectiveConfig> effective = configOption.loadOrExplain(overrides);
    if (effective.isEmpty()) {
      return ConfigOption.EXIT_CONFIG;
    }
    LogSetup.apply(effective.get().config().log());
    // SIGTERM/SIGINT drain and then exit 0; SIGHUP reloads the configuration and the certificates
    // (systemd's ExecReload sends it).
    // Installed before the start: a signal that arrives once "listening" is logged but before start
    // returns
    // (docker stop right after docker run) would otherwise kill the JVM with 143. It acts once the
    // server is up.
    CompletableFuture<ChainsightServer> started = new CompletableFuture<>();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          signal ->
              started.thenAccept(
                  server -> new Thread(server::drainAndClose, "chainsight-drain").start()));
    }
    Signal.handle(
        new Signal("HUP"), signal -> started.thenAccept(server -> server.reload("SIGHUP")));
    ChainsightServer server;
    try {
      // A reload reads the same file, environment and options again (a --port stays).
      ConfigSource source = ConfigSource.of(configOption.file(), System.getenv(), overrides);
      server =
          ChainsightServer.start(
              source, effective.get(), reloaded -> LogSetup.apply(reloaded.log()));
    } catch (ConfigException e) {
      return configOption.explain(e);
    }
    started.complete(server);
    server.awaitClose();
    return 0;
  }
}
