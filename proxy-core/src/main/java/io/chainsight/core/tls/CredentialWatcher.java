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
 * Notices when the config file or the certificate, key, trust or CRL files it names change, by
 * reading them (they are small) every {@code interval} and comparing digests. Reading through the
 * path follows symlinks afresh each time, so an editor's replace-by-rename and a Kubernetes-style
 * swap of a whole directory symlink are seen like an in-place write. A change is reported once the
 * files have stayed the same for one more interval, so a rotation that writes the certificate and
 * then the key is loaded once, whole.
 */
public final class CredentialWatcher implements AutoCloseable {
  private volatile List<Path> files;
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
    return watch(files(settings), intervalMillis, onChange);
  }

  /** Watches these files (a missing one counts as its own state), calling back on a change. */
  public static CredentialWatcher watch(
      List<Path> files, long intervalMillis, Consumer<String> onChange) {
    return new CredentialWatcher(List.copyOf(files), onChange, intervalMillis);
  }

  /** The files a listener's TLS settings name. */
  public static List<Path> files(TlsSettings settings) {
    List<Path> files = new ArrayList<>(List.of(settings.certificateChain(), settings.privateKey()));
    settings.trustedCas().ifPresent(files::add);
    files.addAll(settings.crls());
    return files;
  }

  /**
   * From now on watches these files instead (a reload took a configuration that names others); a
   * list that is the same keeps its state, so a change seen but not yet acted on is not lost.
   */
  public synchronized void watch(List<Path> files) {
    if (files.equals(this.files)) {
      return;
    }
    this.files = List.copyOf(files);
    this.loaded = digest();
    this.lastSeen = loaded;
  }

  private void check() {
    try {
      if (changed()) {
        // Outside the lock: the reload calls watch(files) back, possibly from another thread.
        onChange.accept("files changed");
      }
    } catch (RuntimeException e) {
      // An exception would cancel every later run of the schedule: reloads would stop for good,
      // silently.
      LoggerFactory.getLogger(CredentialWatcher.class)
          .warn("watching the config and TLS files: {}; still watching", e.toString());
    }
  }

  private synchronized boolean changed() {
    byte[] now = digest();
    if (Arrays.equals(now, loaded)) {
      lastSeen = now;
      return false;
    }
    boolean settled = Arrays.equals(now, lastSeen);
    if (settled) {
      loaded = now;
    }
    lastSeen = now;
    return settled;
  }

  /**
   * One digest over every file's path and content; a missing or unreadable file counts as its own
   * state.
   */
  private byte[] digest() {
    return digest(files);
  }

  /**
   * One digest over the files' paths and contents, as the watcher compares them: equal digests,
   * same files.
   */
  public static byte[] digest(List<Path> files) {
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
