package io.chainsight.cli.command;

import io.chainsight.cli.LogSetup;
import io.chainsight.core.demo.RegistrarStandIn;
import io.chainsight.core.demo.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chainsight train}: the proxy's first minutes in a few seconds on loopback ({@link
 * TrainingRun}), then exit; the JVM running it records what it loaded into a class-data archive or
 * an AOT cache. {@code bin/chainsight train-archive} runs it with the right flags.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Start the proxy on 127.0.0.1 with a throwaway example PKI in front of a registrar stand-in, "
          + "send it new mTLS connections and keep-alive requests, and exit.",
      "For recording a class-data archive (JDK 17-24: java -XX:ArchiveClassesAtExit=FILE -jar ... train) "
          + "or an AOT cache (JDK 25+: -XX:AOTCacheOutput=FILE) that later starts load from; "
          + "bin/chainsight train-archive does that. Exit code 0 when every request was answered 200."
    })
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--connections",
      paramLabel = "N",
      defaultValue = "100",
      description = "New mTLS connections, one request each (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--pki",
      paramLabel = "DIR",
      description =
          "An example PKI to use (chainsight pki init DIR); without it, one is made first, which "
              + "puts Bouncy Castle's provider into the recording.")
  Path pki;

  @Option(
      names = "--requests",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Keep-alive requests (default: ${DEFAULT-VALUE}).")
  int requests;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (connections < 1 || requests < 1) {
      spec.commandLine()
          .getErr()
          .println(
              "chainsight train: --connections "
                  + connections
                  + " --requests "
                  + requests
                  + " (expected: at least 1 of each)");
      return 2;
    }
    // The stand-in logs each request it answers: thousands of lines that say nothing here.
    LogSetup.quiet(RegistrarStandIn.class.getName());
    Path work = Files.createTempDirectory("chainsight-train-");
    try {
      TrainingRun.Result result =
          TrainingRun.run(work, Optional.ofNullable(pki), connections, requests);
      out.printf(
          "trained: %d new mTLS connections and %d keep-alive requests in %.1f s%n",
          result.connections(), result.requests(), result.took().toMillis() / 1000.0);
      return 0;
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(TrainCommand::delete);
      }
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A file left in the temporary directory is no reason to fail the run.
    }
  }
}
