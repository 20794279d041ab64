package io.chainsight.core.proxy;

import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.tls.CredentialWatcher;
import io.chainsight.core.tls.ServerCredentials;
import io.chainsight.core.tls.TlsEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * One configuration as the running proxy applies it: the checked settings, the router with its
 * backend pools, and the listener's TLS material and context. Immutable; a reload builds a new one
 * completely (every file read and checked) and swaps it in with one write, so a request sees either
 * the old generation or the new, never a mix. Each request reads it once, when it starts, and
 * finishes under it; each new handshake uses the context of the generation current at its
 * ClientHello.
 */
record Generation(
    long number,
    Instant loadedAt,
    EffectiveConfig effective,
    Router router,
    ServerCredentials.Loaded tls,
    String tlsFilesDigest) {

  ChainsightConfig config() {
    return effective.config();
  }

  /**
   * Builds and checks a generation: the routes with their backends (and each https backend's
   * files), then the listener's chain, key, trust and CRLs. Every problem of both is reported at
   * once, as {@code check-config} does; nothing is kept of a generation that fails.
   */
  static Generation build(
      long number,
      EffectiveConfig effective,
      Transport transport,
      TlsEngine engine,
      ProxyMetrics metrics,
      ServerCredentials credentials)
      throws ConfigException {
    ChainsightConfig config = effective.config();
    // Before the files are read: a change while they are read shows as a difference next time.
    String digest = HexFormat.of().formatHex(CredentialWatcher.digest(tlsFiles(config)));
    List<String> problems = new ArrayList<>();
    Router router = null;
    try {
      router = Router.of(config, transport, engine, metrics);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    ServerCredentials.Loaded tls = null;
    try {
      tls = credentials.load(listenerTls(config));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      if (router != null) {
        router.close();
      }
      throw new ConfigException(problems);
    }
    return new Generation(number, Instant.now(), effective, router, tls, digest);
  }

  /**
   * The handshake policy the listener needs: when some route lets clients in without a certificate,
   * the TLS layer asks for one but does not require it, and routes that require one answer 401
   * themselves.
   */
  static TlsSettings listenerTls(ChainsightConfig config) {
    TlsSettings tls = config.tls();
    boolean anyOptional =
        config.routes().stream()
            .map(RouteSettings::clientAuth)
            .anyMatch(mode -> mode.equals(Optional.of(TlsSettings.ClientAuth.OPTIONAL)));
    if (tls.clientAuth() != TlsSettings.ClientAuth.REQUIRE || !anyOptional) {
      return tls;
    }
    return new TlsSettings(
        tls.certificateChain(),
        tls.privateKey(),
        TlsSettings.ClientAuth.OPTIONAL,
        tls.trustedCas(),
        tls.crls(),
        tls.protocols(),
        tls.handshakeTimeout(),
        tls.clientAuthFailure(),
        tls.sessionTicketRotation());
  }

  /**
   * Whether a reload that changed no key would change nothing either: the TLS files of the listener
   * and of every https route hold the same bytes (the same paths: no key changed).
   */
  boolean sameFilesAs(Generation other) {
    return tlsFilesDigest.equals(other.tlsFilesDigest);
  }

  /**
   * The files whose change reloads this generation: the config file (when there is one), the
   * listener's TLS files and each https route's.
   */
  List<Path> watchedFiles(Optional<Path> configFile) {
    List<Path> files = new ArrayList<>();
    configFile.ifPresent(files::add);
    files.addAll(tlsFiles(config()));
    return files;
  }

  private static List<Path> tlsFiles(ChainsightConfig config) {
    LinkedHashSet<Path> files = new LinkedHashSet<>(CredentialWatcher.files(config.tls()));
    for (RouteSettings route : config.routes()) {
      route
          .tls()
          .ifPresent(
              tls -> {
                files.add(tls.trustedCas());
                tls.certificateChain().ifPresent(files::add);
                tls.privateKey().ifPresent(files::add);
              });
    }
    return List.copyOf(files);
  }
}
