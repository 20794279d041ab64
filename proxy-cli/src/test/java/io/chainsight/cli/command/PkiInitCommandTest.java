package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.cli.Main;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.certs.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chainsight pki init}, run as a user would, in-process: what it writes, prints and refuses.
 */
class PkiInitCommandTest {
  @TempDir Path temp;

  @Test
  void initWritesTheWholeLayoutAndSaysWhatItWrote() {
    Path dir = temp.resolve("certs");

    Run run = run("pki", "init", dir.toString());

    assertThat(run.exitCode).isZero();
    for (ExamplePkiFile file : ExamplePkiFile.values()) {
      assertThat(file.in(dir)).isRegularFile();
      assertThat(run.out).contains("wrote " + file.in(dir) + ": ");
    }
    assertThat(run.out).contains("FOR TESTING ONLY", "d432fbb3-d2f1-4a97-9ef7-75bd81c00000");
    assertThat(run.err).isEmpty();
  }

  @Test
  void initRefusesToOverwriteAndNamesTheFirstExistingFile() throws Exception {
    Path dir = temp.resolve("certs");
    assertThat(run("pki", "init", dir.toString()).exitCode).isZero();
    String rootBefore = Files.readString(ExamplePkiFile.ROOT_CA.in(dir));

    Run again = run("pki", "init", dir.toString());

    assertThat(again.exitCode).isEqualTo(1);
    assertThat(again.err.strip())
        .isEqualTo(
            "chainsight pki init: "
                + ExamplePkiFile.README.in(dir)
                + " already exists (and "
                + (ExamplePkiFile.values().length - 1)
                + " more of the example PKI's files)"
                + " (expected: a directory without them; pass --force to replace them with a new PKI)");
    assertThat(again.out).isEmpty();
    assertThat(Files.readString(ExamplePkiFile.ROOT_CA.in(dir))).isEqualTo(rootBefore);
  }

  @Test
  void initRefusesWhenASingleKeyFileIsInTheWayAndWritesNothing() throws Exception {
    Files.createDirectories(temp.resolve("broken"));
    Files.writeString(temp.resolve("broken/agent-expired-key.pem"), "my own key");

    Run run = run("pki", "init", temp.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err)
        .contains(temp.resolve("broken/agent-expired-key.pem") + " already exists (expected:");
    assertThat(temp.resolve("root-ca.pem")).doesNotExist();
    assertThat(Files.readString(temp.resolve("broken/agent-expired-key.pem")))
        .isEqualTo("my own key");
  }

  @Test
  void initWithForceReplacesTheExistingPki() throws Exception {
    Path dir = temp.resolve("certs");
    assertThat(run("pki", "init", dir.toString()).exitCode).isZero();
    X509Certificate rootBefore = Pem.readCertificates(ExamplePkiFile.ROOT_CA.in(dir)).get(0);

    Run forced = run("pki", "init", dir.toString(), "--force");

    assertThat(forced.exitCode).isZero();
    assertThat(forced.out).contains("wrote " + ExamplePkiFile.ROOT_CA.in(dir));
    X509Certificate rootAfter = Pem.readCertificates(ExamplePkiFile.ROOT_CA.in(dir)).get(0);
    assertThat(rootAfter.getPublicKey()).isNotEqualTo(rootBefore.getPublicKey());
    assertThat(Pem.readCertificates(ExamplePkiFile.REGISTRAR_CHAIN.in(dir)).get(2))
        .isEqualTo(rootAfter);
  }

  @Test
  void initWhereAFileBlocksTheDirectoryFailsNamingIt() throws Exception {
    Path blocker = temp.resolve("not-a-dir");
    Files.writeString(blocker, "x");

    Run run = run("pki", "init", blocker.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err)
        .startsWith(
            "chainsight pki init: cannot write the example PKI into " + blocker + ": " + blocker);
  }

  @Test
  void pkiWithoutSubcommandIsAUsageError() {
    Run run = run("pki");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("Missing subcommand (expected: init)", "Usage: chainsight pki");
  }

  @Test
  void initWithoutDirectoryIsAUsageError() {
    Run run = run("pki", "init");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("Missing required parameter: 'DIR'");
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private record Run(int exitCode, String out, String err) {}
}
