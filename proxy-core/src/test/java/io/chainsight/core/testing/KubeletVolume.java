package io.chainsight.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A Secret or ConfigMap volume as kubelet's atomic writer lays it out and updates it
 * (pkg/volume/util/atomic_writer.go), step for step:
 *
 * <pre>
 *   tls.crt -> ..data/tls.crt          the names a container reads (created once, never rewritten)
 *   tls.key -> ..data/tls.key
 *   ..data  -> ..2026_05_01_10_00_00.4711   the one symlink an update swaps
 *   ..2026_05_01_10_00_00.4711/        the files themselves, one directory per update
 * </pre>
 *
 * An update writes every file of the new payload into a new timestamped directory, points {@code
 * ..data_tmp} at it, renames {@code ..data_tmp} over {@code ..data} (the atomic step), adds the
 * visible symlinks of new keys, and removes the old directory.
 */
public final class KubeletVolume {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.");
  private static final String DATA = "..data";
  private static final String DATA_TMP = "..data_tmp";

  private final Path dir;

  private KubeletVolume(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates the volume in {@code dir} (made if missing) with its first payload: name to content.
   */
  public static KubeletVolume create(Path dir, Map<String, String> payload) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KubeletVolume volume = new KubeletVolume(dir);
    volume.update(payload);
    return volume;
  }

  /** The path a container reads for {@code key}: the visible symlink. */
  public Path file(String key) {
    return dir.resolve(key);
  }

  /** The timestamped directories present now (one, between updates). */
  public List<Path> timestampedDirectories() {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "..[0-9]*")) {
      entries.forEach(found::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** Replaces the whole payload the way kubelet does when the Secret changes. */
  public void update(Map<String, String> payload) {
    try {
      Optional<Path> old = current();
      Path fresh = newTimestampDirectory();
      for (Map.Entry<String, String> entry : payload.entrySet()) {
        Path file = fresh.resolve(entry.getKey());
        Files.writeString(file, entry.getValue());
        // A Secret volume's defaultMode is 0644.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Path tmp = dir.resolve(DATA_TMP);
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, fresh.getFileName());
      Files.move(
          tmp,
          dir.resolve(DATA),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      for (String key : payload.keySet()) {
        Path visible = dir.resolve(key);
        if (!Files.exists(visible, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(visible, Path.of(DATA, key));
        }
      }
      if (old.isPresent()) {
        removeAll(old.get());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<Path> current() throws IOException {
    Path data = dir.resolve(DATA);
    return Files.isSymbolicLink(data)
        ? Optional.of(dir.resolve(Files.readSymbolicLink(data)))
        : Optional.empty();
  }

  /** Like Go's os.MkdirTemp(dir, "..2006_01_02_15_04_05."): the UTC time and a random suffix. */
  private Path newTimestampDirectory() throws IOException {
    String prefix = TIMESTAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
    while (true) {
      Path candidate =
          dir.resolve(prefix + Integer.toUnsignedString(ThreadLocalRandom.current().nextInt()));
      try {
        return Files.createDirectory(candidate);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // try another suffix, as MkdirTemp does
      }
    }
  }

  private static void removeAll(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
