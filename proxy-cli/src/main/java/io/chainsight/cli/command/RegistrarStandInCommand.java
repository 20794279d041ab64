package io.chainsight.cli.command;

import io.chainsight.core.demo.RegistrarStandIn;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code chainsight registrar-stand-in}: the demo's Keylime registrar stand-in on its own, for a
 * container where the real registrar is not at hand (docker/docker-compose.stand-in.yml,
 * docker/test).
 */
@Command(
    name = "registrar-stand-in",
    mixinStandardHelpOptions = true,
    description = {
      "Answer the Keylime registrar's agent routes (GET /version, register, activate) in the registrar's "
          + "JSON envelope, minus the TPM work, and echo the client identity chainsight forwarded "
          + "(X-Forwarded-Client-Cert's Subject). For demos and tests, never in front of agents.",
      "Runs until SIGTERM/SIGINT, then exits 0; exit 1 when the address cannot be bound."
    })
public final class RegistrarStandInCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container of its own).")
  private String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8890",
      description = "Port to listen on (default: ${DEFAULT-VALUE}, the registrar's plain port).")
  private int port;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> stop.countDown());
    }
    RegistrarStandIn standIn;
    try {
      standIn = RegistrarStandIn.start(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      err.println(
          spec.qualifiedName()
              + ": --host "
              + host
              + ": not an address of this machine (expected: an IP address such as 0.0.0.0)");
      err.flush();
      return 1;
    } catch (IOException e) {
      err.println(
          spec.qualifiedName()
              + ": cannot listen on "
              + host
              + ":"
              + port
              + ": "
              + e.getMessage()
              + " (expected: a free port; pass --port)");
      err.flush();
      return 1;
    }
    out.println(
        spec.qualifiedName()
            + ": Keylime registrar stand-in on http://"
            + host
            + ":"
            + standIn.port()
            + " (for demos and tests only)");
    out.flush();
    try {
      stop.await();
    } finally {
      standIn.close();
    }
    return 0;
  }
}
