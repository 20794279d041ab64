package io.chainsight.core.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays an {@link ExamplePki} out on disk: each file whole or not at all, keys readable by the owner
 * only.
 */
final class ExamplePkiWriter {
  private ExamplePkiWriter() {}

  static List<Path> existingFiles(Path directory) {
    List<Path> existing = new ArrayList<>();
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      Path path = file.in(directory);
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        existing.add(path);
      }
    }
    return existing;
  }

  static List<Path> write(ExamplePki pki, Path directory, boolean overwrite) throws IOException {
    if (!overwrite) {
      List<Path> existing = existingFiles(directory);
      if (!existing.isEmpty()) {
        throw new FileAlreadyExistsException(
            existing.get(0).toString(),
            null,
            "already exists (expected: a directory without the example PKI's files; pass overwrite to replace "
                + existing.size()
                + " existing file(s))");
      }
    }
    List<Path> written = new ArrayList<>();
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      Path path = file.in(directory);
      Files.createDirectories(path.getParent());
      writeFile(path, pki.content(file), file.secret());
      written.add(path);
    }
    return written;
  }

  /**
   * Writes next to the target and moves into place, so a reader never sees half a file. The
   * temporary file is created 0600 (the JDK's default for temporary files on POSIX), so a key is
   * never readable by others, not even for a moment; certificates and the README are then opened up
   * to 0644.
   */
  private static void writeFile(Path target, String content, boolean secret) throws IOException {
    Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(temporary, content, StandardCharsets.UTF_8);
      PosixFileAttributeView posix =
          Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
      if (posix != null) {
        posix.setPermissions(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
      }
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
