package io.chainsight.core.tls;

import io.chainsight.core.config.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Notices when the certificate, key, trust or CRL files change, by reading them (they are small)
 * every {@code interval} and comparing digests. Reading through the path follows symlinks afresh
 * each time, so an editor's replace-by-rename and a Kubernetes-style swap of a whole directory
 * symlink are seen like an in-place write. A change is reported once the files have stayed the same
 * for one more interval, so a rotation that writes the certificate and then the key is loaded once,
 * whole.
 */
public final class CredentialWatcher implements AutoCloseable {
  private final List<Path> files;
  private final Consumer<String> onChange;
  private final ScheduledExecutorService timer;
  private byte[] loaded;
  private byte[] lastSeen;

  private CredentialWatcher(List<Path> files, Consumer<String> onChange, long intervalMillis) {
    this.files = files;
    this.onChange = onChange;
    this.loaded = digest();
    this.lastSeen = loaded;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "chainsight-credential-watcher");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(
        this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  public static CredentialWatcher watch(
      TlsSettings settings, long intervalMillis, Consumer<String> onChange) {
    List<Path> files = new ArrayList<>(List.of(settings.certificateChain(), settings.privateKey()));
    settings.trustedCas().ifPresent(files::add);
    files.addAll(settings.crls());
    return new CredentialWatcher(List.copyOf(files), onChange, intervalMillis);
  }

  private void check() {
    try {
      checkOnce();
    } catch (RuntimeException e) {
      // An exception would cancel every later run of the schedule: reloads would stop for good,
      // silently.
      LoggerFactory.getLogger(CredentialWatcher.class)
          .warn("watching the TLS files: {}; still watching", e.toString());
    }
  }

  private void checkOnce() {
    byte[] now = digest();
    if (Arrays.equals(now, loaded)) {
      lastSeen = now;
      return;
    }
    if (Arrays.equals(now, lastSeen)) {
      loaded = now;
      onChange.accept("files changed");
    }
    lastSeen = now;
  }

  /**
   * One digest over every file's path and content; a missing or unreadable file counts as its own
   * state.
   */
  private byte[] digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        sha.update(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
          sha.update(Files.readAllBytes(file));
        } catch (IOException e) {
          sha.update(
              ("unreadable:" + e.getClass().getSimpleName())
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
