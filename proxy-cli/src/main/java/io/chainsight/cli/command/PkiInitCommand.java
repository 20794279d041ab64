package io.chainsight.cli.command;

import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chainsight pki init DIR}: writes the example PKI ({@link ExamplePki}) and says what it
 * wrote.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Write a three-tier example PKI (root, intermediate, registrar server and agent client certificates, "
          + "broken agents for the demo) and a README into DIR. FOR TESTING ONLY.",
      "Exit status: 0 written, 1 refused (files exist) or failed, 2 bad usage."
    })
public final class PkiInitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "Directory to write into; created if missing.")
  Path directory;

  @Option(names = "--force", description = "Replace the files of an example PKI already in DIR.")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Path> existing = ExamplePki.existingFiles(directory);
    if (!force && !existing.isEmpty()) {
      err.println(
          "chainsight pki init: "
              + existing.get(0)
              + " already exists"
              + (existing.size() > 1
                  ? " (and " + (existing.size() - 1) + " more of the example PKI's files)"
                  : "")
              + " (expected: a directory without them; pass --force to replace them with a new PKI)");
      return 1;
    }
    ExamplePki pki = ExamplePki.create(Instant.now());
    List<Path> written;
    try {
      written = pki.writeTo(directory, force);
    } catch (IOException e) {
      err.println(
          "chainsight pki init: cannot write the example PKI into "
              + directory
              + ": "
              + reason(e)
              + " (expected: a directory this user can create and write)");
      return 1;
    }
    ExamplePkiFile[] files = ExamplePkiFile.values();
    for (int i = 0; i < files.length; i++) {
      out.println("wrote " + written.get(i) + ": " + files[i].description());
    }
    out.println();
    out.println(
        "Example PKI in "
            + directory
            + ": FOR TESTING ONLY (its keys are not secret). Agent UUID "
            + ExamplePki.AGENT_UUID
            + "; leaves valid until "
            + DateTimeFormatter.ISO_LOCAL_DATE
                .withZone(ZoneOffset.UTC)
                .format(pki.agent().certificate().getNotAfter().toInstant())
            + ".");
    out.flush();
    return 0;
  }

  /** NIO exceptions carry the file in the message and the cause in the type: say both in words. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return ((AccessDeniedException) e).getFile() + ": permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return ((FileAlreadyExistsException) e).getFile() + " exists and is in the way";
    }
    if (e instanceof FileSystemException) {
      FileSystemException fs = (FileSystemException) e;
      return fs.getFile()
          + ": "
          + (fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName());
    }
    return e.getMessage();
  }
}
