package io.chainsight.core.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a private key file can be read by more than its owner (a warning at startup, not an
 * error).
 */
public final class KeyFilePermissions {
  private KeyFilePermissions() {}

  /**
   * A warning naming the file, its mode and the fix; empty when only the owner can read it (or not
   * POSIX).
   */
  public static Optional<String> warning(String setting, Path keyFile) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(keyFile);
    } catch (UnsupportedOperationException | IOException e) {
      return Optional.empty();
    }
    boolean shared =
        permissions.contains(PosixFilePermission.GROUP_READ)
            || permissions.contains(PosixFilePermission.OTHERS_READ);
    if (!shared) {
      return Optional.empty();
    }
    return Optional.of(
        setting
            + ": "
            + keyFile
            + " is readable by "
            + (permissions.contains(PosixFilePermission.OTHERS_READ) ? "every user" : "its group")
            + " ("
            + PosixFilePermissions.toString(permissions)
            + "); a private key should be readable by its owner only: "
            + "chmod 600 "
            + keyFile);
  }
}
