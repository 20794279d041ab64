package io.chainsight.core.testing;

import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.BackendSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.DiagnosticsSettings;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.config.ListenSettings;
import io.chainsight.core.config.LogSettings;
import io.chainsight.core.config.ShutdownSettings;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.config.TlsSettings.ClientAuthFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configurations for tests: the proxy on 127.0.0.1:0 in front of a backend port, admin off. */
public final class ProxyFixture {
  private ProxyFixture() {}

  public static ChainsightConfig config(
      TestPki.ServerFiles files, int backendPort, ClientAuth clientAuth) {
    return config(tls(files, clientAuth), backend(backendPort, Duration.ofSeconds(60)));
  }

  public static TlsSettings tls(TestPki.ServerFiles files, ClientAuth clientAuth) {
    return new TlsSettings(
        files.chain(),
        files.key(),
        clientAuth,
        Optional.of(files.trustedCas()),
        List.of(),
        TlsSettings.SUPPORTED_PROTOCOLS,
        Duration.ofSeconds(10),
        ClientAuthFailure.ALERT);
  }

  public static BackendSettings backend(int port, Duration responseTimeout) {
    return new BackendSettings(
        URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(2), responseTimeout, 64);
  }

  public static ChainsightConfig config(TlsSettings tls, BackendSettings backend) {
    return new ChainsightConfig(
        new ListenSettings("127.0.0.1", 0),
        tls,
        backend,
        LimitsSettings.DEFAULTS,
        new ShutdownSettings(Duration.ofSeconds(5)),
        new AdminSettings(false, "127.0.0.1", 0, Optional.empty()),
        new DiagnosticsSettings(Duration.ofSeconds(60), 200),
        new LogSettings(LogSettings.Format.TEXT, false),
        List.of(),
        List.of(),
        Optional.empty());
  }

  public static ChainsightConfig withLimits(ChainsightConfig c, LimitsSettings limits) {
    return new ChainsightConfig(
        c.listen(),
        c.tls(),
        c.backend(),
        limits,
        c.shutdown(),
        c.admin(),
        c.diagnostics(),
        c.log(),
        c.allow(),
        c.routes(),
        c.source());
  }
}
