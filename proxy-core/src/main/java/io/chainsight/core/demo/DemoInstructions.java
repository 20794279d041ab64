package io.chainsight.core.demo;

import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What {@code chainsight demo} tells its user to try: copy-paste commands against the running
 * proxy, one that succeeds and several that fail, each with what the proxy will log. The commands
 * are argument lists, so a test can run exactly what the demo prints.
 */
public final class DemoInstructions {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+-]+");

  /**
   * One thing to try.
   *
   * @param expectedStatus the HTTP status curl gets, or 0 when the handshake fails and there is
   *     none
   * @param outcome one line: what happens and what the proxy logs
   */
  public record Step(String title, List<String> command, int expectedStatus, String outcome) {
    public Step {
      command = List.copyOf(command);
    }

    /** The command as a shell line, arguments quoted where needed. */
    public String shell() {
      return command.stream().map(DemoInstructions::quote).collect(Collectors.joining(" "));
    }
  }

  private DemoInstructions() {}

  /**
   * @param certs the example PKI's directory as the user should type it (relative to their shell's
   *     directory)
   * @param port the proxy's TLS port on localhost
   * @param chainsight how the user runs chainsight, e.g. {@code bin/chainsight}
   */
  public static List<Step> steps(String certs, int port, String chainsight) {
    String url = "https://localhost:" + port + "/version";
    String agentCa = path(certs, ExamplePkiFile.AGENT_CA);
    List<Step> steps = new ArrayList<>();
    steps.add(
        new Step(
            "An agent with a valid certificate",
            curl(
                agentCa,
                path(certs, ExamplePkiFile.AGENT_CERT),
                path(certs, ExamplePkiFile.AGENT_KEY),
                url),
            200,
            "200 in the registrar's envelope; forwarded_client_subject shows the identity that reached the backend "
                + "(CN="
                + ExamplePki.AGENT_UUID
                + ")"));
    steps.add(
        new Step(
            "No client certificate",
            List.of("curl", "--cacert", agentCa, url),
            0,
            "the handshake fails; the proxy logs reason=NO_CLIENT_CERTIFICATE (client-auth = require)"));
    steps.add(
        broken(
            "An expired agent certificate",
            certs,
            ExamplePkiFile.EXPIRED_AGENT_CERT,
            ExamplePkiFile.EXPIRED_AGENT_KEY,
            url,
            "reason=EXPIRED: CN=" + ExamplePki.EXPIRED_AGENT_UUID + " ended yesterday"));
    steps.add(
        broken(
            "An agent issued by a look-alike CA",
            certs,
            ExamplePkiFile.WRONG_KEY_CA_AGENT_CERT,
            ExamplePkiFile.WRONG_KEY_CA_AGENT_KEY,
            url,
            "reason=ISSUER_KEY_MISMATCH: its issuer has our intermediate's name but another key (a re-created CA)"));
    steps.add(
        broken(
            "A certificate made for servers only",
            certs,
            ExamplePkiFile.SERVER_ONLY_AGENT_CERT,
            ExamplePkiFile.SERVER_ONLY_AGENT_KEY,
            url,
            "reason=WRONG_PURPOSE: its extendedKeyUsage has serverAuth but not clientAuth"));
    steps.add(
        broken(
            "A self-signed agent certificate",
            certs,
            ExamplePkiFile.SELF_SIGNED_AGENT_CERT,
            ExamplePkiFile.SELF_SIGNED_AGENT_KEY,
            url,
            "reason=SELF_SIGNED_LEAF: CN=" + ExamplePki.SELF_SIGNED_AGENT_UUID + " signed itself"));
    steps.add(
        broken(
            "An agent from an unrelated CA",
            certs,
            ExamplePkiFile.UNRELATED_CA_AGENT_CERT,
            ExamplePkiFile.UNRELATED_CA_AGENT_KEY,
            url,
            "reason=UNTRUSTED_ROOT: "
                + ExamplePki.UNRELATED_CA_SUBJECT
                + " is not in trusted-cas.pem"));
    steps.add(
        new Step(
            "Plain HTTP to the TLS port",
            List.of("curl", "http://localhost:" + port + "/version"),
            400,
            "400 with \"use https://\"; the proxy logs reason=PLAINTEXT_HTTP_ON_TLS_PORT"));
    steps.add(
        new Step(
            "The first-PEM-block trap (curl reads every block, so it passes; rust-keylime does not)",
            List.of(
                chainsight,
                "probe",
                "https://localhost:" + port,
                "--ca",
                path(certs, ExamplePkiFile.AGENT_CA_INTERMEDIATE_FIRST),
                "--cert",
                path(certs, ExamplePkiFile.AGENT_CERT),
                "--key",
                path(certs, ExamplePkiFile.AGENT_KEY)),
            0,
            "probe reports: every PEM block ok; first PEM block only fails with OpenSSL error 2 \"unable to get "
                + "issuer certificate\" (the agent's log); fix: the root alone or first in the CA file"));
    return List.copyOf(steps);
  }

  /** The whole text the demo prints once the proxy is up. */
  public static String render(String certs, int port, String chainsight, String backend) {
    StringBuilder text = new StringBuilder();
    text.append("chainsight demo: https://localhost:")
        .append(port)
        .append(" -> ")
        .append(backend)
        .append('\n')
        .append("Example PKI (for testing only): ")
        .append(certs)
        .append('\n')
        .append(
            "Try these in another terminal, from this directory; the proxy's log lines appear here.\n");
    int number = 1;
    for (Step step : steps(certs, port, chainsight)) {
      text.append('\n')
          .append(number++)
          .append(". ")
          .append(step.title())
          .append('\n')
          .append("   ")
          .append(step.shell())
          .append('\n')
          .append("   -> ")
          .append(step.outcome())
          .append('\n');
    }
    return text.append("\nCtrl-C stops the demo.\n").toString();
  }

  private static Step broken(
      String title,
      String certs,
      ExamplePkiFile cert,
      ExamplePkiFile key,
      String url,
      String logged) {
    return new Step(
        title,
        curl(path(certs, ExamplePkiFile.AGENT_CA), path(certs, cert), path(certs, key), url),
        0,
        "the handshake fails; the proxy logs " + logged);
  }

  private static List<String> curl(String ca, String cert, String key, String url) {
    return List.of("curl", "--cacert", ca, "--cert", cert, "--key", key, url);
  }

  private static String path(String certs, ExamplePkiFile file) {
    return certs.endsWith("/") ? certs + file.path() : certs + "/" + file.path();
  }

  private static String quote(String argument) {
    return SAFE.matcher(argument).matches() ? argument : "'" + argument.replace("'", "'\\''") + "'";
  }
}
