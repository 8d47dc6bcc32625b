package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import pitr.copy.Checkpoints;
import pitr.copy.CopyBack;
import pitr.copy.CopyRequest;
import pitr.copy.FileCheckpoints;
import pitr.copy.TableCheckpoints;
import pitr.metrics.CopyMeters;
import reactor.core.Disposable;

/** Resuming a copy-back run: from its checkpoints, with the run's own filter and keys. */
class CopyBackResumeCliTest extends CopyBackFixture {
  @Test
  void copyBack_cancelledMidwayThenResumed_endsIdentical() throws Exception {
    tables.recoveryAndLive(2000);
    cancelAtFirstCheckpoint("run1", FileCheckpoints.in(state));
    assertThat(cli.local.contents("orders")).isNotEqualTo(cli.local.contents("orders-rec"));

    assertThat(cli.exit("copy-back", "--resume", "run1", "--state-dir", state.toString())).isZero();
    tables.assertIdentical();
    assertThat(cli.last.out())
        .containsPattern("run run1: [1-3] segments copied, [1-3] already done, of 4");
  }

  @Test
  void copyBack_withCheckpointTable_cancelledMidwayResumesFromTheTable() throws Exception {
    tables.recoveryAndLive(2000);
    cancelAtFirstCheckpoint("run2", TableCheckpoints.in(cli.local.gateway(), "pitr-checkpoints"));
    assertThat(cli.local.contents("orders")).isNotEqualTo(cli.local.contents("orders-rec"));

    assertThat(
            cli.exit(
                "copy-back",
                "--resume",
                "run2",
                "--checkpoint-table",
                "pitr-checkpoints",
                "--state-dir",
                state.toString()))
        .isZero();
    tables.assertIdentical();
    assertThat(cli.last.out())
        .containsPattern("run run2: [1-3] segments copied, [1-3] already done, of 4");
    assertThat(state.resolve("runs")).doesNotExist();
  }

  /**
   * Starts copying orders-rec to orders in 4 segments, two at a time, each one page of 500 items,
   * and cancels the copy once a segment's checkpoint is saved: about a quarter of the way at 2000
   * WCU/s.
   */
  private void cancelAtFirstCheckpoint(String runId, Checkpoints checkpoints) throws Exception {
    CopyRequest request =
        CopyRequest.builder(runId, state.resolve("f.jsonl"))
            .tables("orders-rec", "orders")
            .throughput(new CopyRequest.Throughput(4, 2, 2000, 0))
            .retry(new CopyRequest.Retry(10, Duration.ofMillis(50), Duration.ofSeconds(1)))
            .build();
    Disposable running =
        CopyBack.create(
                cli.local.gateway(),
                checkpoints,
                CopyMeters.inMemory(),
                java.time.Clock.systemUTC())
            .run(request)
            .subscribe();
    try {
      Poll.until(
          Duration.ofSeconds(30),
          "segment checkpoint of run " + runId + " in " + checkpoints.describe(),
          () -> !checkpoints.positions(runId).block().isEmpty());
    } finally {
      running.dispose();
    }
  }

  @Test
  void copyBack_resumedWithAnotherFilter_exitsTwoAndWritesNothing() {
    tables.recoveryAndLive(10);
    assertThat(
            tables.copy(
                "--run-id",
                "f1",
                "--filter",
                "n < :n",
                "--filter-values",
                "{\":n\":{\"N\":\"5\"}}",
                "--checkpoint-table",
                "ckpt"))
        .isZero();
    cli.local.fill("orders", 0, 10, "bad", 100);

    String refusal =
        "error: Run f1 copies the items matching --filter 'n < :n' with --filter-values"
            + " {\":n\":{\"N\":\"5\"}}; resume it without --filter (it keeps its own) or with"
            + " that --filter and the same --filter-values and --filter-names, or start a new run"
            + " for another filter\n";
    // The same expression with another value would copy other items: refused.
    assertThat(resumeF1WithFilterValues("{\":n\":{\"N\":\"9\"}}")).isEqualTo(2);
    assertThat(cli.last.err()).isEqualTo(refusal);
    tables.assertLiveStillBad();
    // With the same filter and values it resumes.
    assertThat(resumeF1WithFilterValues("{\":n\":{\"N\":\"5\"}}")).as(cli.last.err()).isZero();
  }

  /** {@code copy-back --resume f1 --checkpoint-table ckpt --filter 'n < :n' --filter-values V}. */
  private int resumeF1WithFilterValues(String values) {
    return cli.exit(
        "copy-back",
        "--resume",
        "f1",
        "--checkpoint-table",
        "ckpt",
        "--filter",
        "n < :n",
        "--filter-values",
        values);
  }

  @Test
  void copyBack_resumedWithoutFilter_keepsTheRunsFilterAndSaysSo() throws Exception {
    tables.recoveryAndLive(10);
    assertThat(
            tables.copy(
                "--run-id",
                "f2",
                "--filter",
                "n < :n",
                "--filter-values",
                "{\":n\":{\"N\":\"5\"}}",
                "--segments",
                "2"))
        .isZero();
    cli.local.fill("orders", 0, 10, "bad", 100);
    // Forget both segments' progress, so the resume copies them again.
    Path run = state.resolve("runs").resolve("f2");
    Files.delete(run.resolve("segment-000000.json"));
    Files.delete(run.resolve("segment-000001.json"));

    assertThat(cli.exit("copy-back", "--resume", "f2", "--state-dir", state.toString()))
        .as(cli.last.err())
        .isZero();

    assertThat(cli.last.err())
        .startsWith(
            "Resuming run f2 with its limits: --segments 2, --concurrency 16, --max-wcu 1000,"
                + " --max-rcu none, --filter 'n < :n' with --filter-values {\":n\":{\"N\":\"5\"}}\n");
    var live = cli.local.contents("orders");
    for (int i = 0; i < 10; i++) {
      assertThat(live.get("k" + i).get("v").s()).isEqualTo(i < 5 ? "good" : "bad");
    }
  }

  @Test
  void copyBack_resumedAfterFinishing_skipsEverySegment() {
    tables.recoveryAndLive(500);
    assertThat(tables.copy("--run-id", "r2", "--segments", "4")).isZero();
    assertThat(tables.copy("--resume", "r2", "--segments", "4")).isZero();
    assertThat(cli.last.out()).contains("run r2: 0 segments copied, 4 already done, of 4");
  }

  @Test
  void resume_ofAKeysRunWhoseFileWasEditedSince_exits2NamingBothSha256s_andWritesNothing()
      throws Exception {
    tables.recoveryAndLive(10);
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(keys, "{\"pk\":\"k1\"}\n");
    String started = sha256(keys);
    assertThat(tables.copy("--keys", keys.toString(), "--run-id", "lk01")).isZero();
    cli.local.fill("orders", 1, 2, "bad", 100);
    Files.writeString(keys, "{\"pk\":\"k1\"}\n{\"pk\":\"k3\"}\n");

    int code = cli.exit("copy-back", "--resume", "lk01", "--state-dir", state.toString());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Run lk01 copies the keys in --keys "
                + keys.toAbsolutePath()
                + ", whose SHA-256 was "
                + started
                + " when the run started; it is now "
                + sha256(keys)
                + ", so the file was changed or replaced since. Put back the file the run started"
                + " with, or start a new run for the keys it lists now (items already copied are"
                + " written again). Nothing was written.\n");
    var live = cli.local.contents("orders");
    assertThat(live.get("k1").get("v").s()).isEqualTo("bad");
    assertThat(live.get("k3").get("v").s()).isEqualTo("bad");
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
