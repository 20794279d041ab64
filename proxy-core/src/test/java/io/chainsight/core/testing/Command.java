package io.chainsight.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client (curl, openssl) with a deadline and returns its exit code and output. */
public final class Command {
  /** What the command printed; stderr and stdout are kept apart. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private Command() {}

  /**
   * {@code curl -sS} trusting {@code caFile} and presenting the certificate chain and key in {@code
   * clientFiles} (as {@link TestPki#writeClientFiles} writes them), within 20 s; {@code arguments}
   * end with the URL.
   */
  public static Result curl(Path caFile, Path[] clientFiles, String... arguments) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--cacert",
                caFile.toString(),
                "--cert",
                clientFiles[0].toString(),
                "--key",
                clientFiles[1].toString()));
    command.addAll(List.of(arguments));
    return run(command, null, 20);
  }

  public static Result run(List<String> command, String stdin, long timeoutSeconds) {
    try {
      Process process = new ProcessBuilder(command).start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      var stdout = process.getInputStream();
      var stderr = process.getErrorStream();
      var outBytes = new java.io.ByteArrayOutputStream();
      var errBytes = new java.io.ByteArrayOutputStream();
      Thread outReader = new Thread(() -> copy(stdout, outBytes));
      Thread errReader = new Thread(() -> copy(stderr, errBytes));
      outReader.start();
      errReader.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + timeoutSeconds + "s");
      }
      outReader.join();
      errReader.join();
      return new Result(
          process.exitValue(),
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + command.get(0) + " (is it installed? .ci/run installs it)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void copy(java.io.InputStream in, java.io.ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // The process went away; what was read so far is what it printed.
    }
  }
}
