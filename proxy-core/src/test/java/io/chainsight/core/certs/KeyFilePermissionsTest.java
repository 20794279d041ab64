package io.chainsight.core.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilePermissionsTest {
  @TempDir Path dir;

  @Test
  void ownerOnlyKeyGivesNoWarning() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertThat(KeyFilePermissions.warning("tls.private-key", key)).isEmpty();
  }

  @Test
  void worldReadableKeyIsNamedWithItsModeAndTheFix() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(KeyFilePermissions.warning("tls.private-key", key))
        .hasValue(
            "tls.private-key: "
                + key
                + " is readable by every user (rw-r--r--); a private key should be readable by its owner only: chmod 600 "
                + key);
  }

  @Test
  void groupReadableKeyIsNamed() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    assertThat(KeyFilePermissions.warning("tls.private-key", key).orElseThrow())
        .contains("readable by its group");
  }
}
