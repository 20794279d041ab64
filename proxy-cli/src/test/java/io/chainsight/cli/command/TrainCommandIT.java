package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code chainsight train}: the workload an archive is recorded from really runs, through real
 * mTLS, and says what it did.
 */
class TrainCommandIT {
  @Test
  void trainingServesEveryConnectionAndRequestItSends() {
    CliRun run = CliRun.of("train", "--connections", "3", "--requests", "10");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("trained: 3 new mTLS connections and 10 keep-alive requests in ");
  }

  @Test
  void zeroConnectionsIsRefusedWithTheFix() {
    CliRun run = CliRun.of("train", "--connections", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "chainsight train: --connections 0 --requests 2000 (expected: at least 1 of each)\n");
  }
}
