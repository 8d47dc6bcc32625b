package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pitr rollback --apply PLAN --worker I/N}: workers sharing one run id each apply their
 * share of the plan's chunks; bad worker options are refused before anything is written.
 */
class RollbackWorkersCommandTest {
  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  private static final Map<String, String> AFTER_INCIDENT =
      Map.of("a", "bad", "b", "repaired-by-hand");

  private static final Map<String, String> ROLLED_BACK =
      Map.of("a", "v1", "b", "repaired-by-hand", "c", "v1");

  /** The saved plan of an incident: a and b set to bad, c deleted, b repaired by hand since. */
  private Path plan() {
    Instant[] t = local.incident();
    local.put("b", "repaired-by-hand");
    Path plan = dir.resolve("plan.jsonl");
    CliRun run = new CliRun();
    assertThat(
            code(
                run,
                "orders",
                "--to",
                t[0].toString(),
                "--incident-end",
                t[1].toString(),
                "--plan",
                plan.toString()))
        .as(run.err())
        .isZero();
    return plan;
  }

  private int code(CliRun run, String... args) {
    List<String> all = new ArrayList<>(List.of("rollback"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state-dir", dir.resolve("state").toString()));
    all.addAll(List.of("--endpoint-url", local.endpoint));
    return run.execute(all.toArray(String[]::new));
  }

  private CliRun worker(Path plan, String worker, int expectedCode) {
    CliRun run = new CliRun();
    assertThat(
            code(
                run,
                "--apply",
                plan.toString(),
                "--run-id",
                "w1",
                "--worker",
                worker,
                "--chunk-items",
                "1"))
        .as(run.err())
        .isEqualTo(expectedCode);
    return run;
  }

  @Test
  void apply_acrossThreeWorkersSharingARunId_endsAsOneApply_andOnlyTheLastCompletesTheRun() {
    Path plan = plan();

    CliRun first = worker(plan, "1/3", 0);

    assertThat(first.out())
        .contains(
            "Applying as run w1; if it is interrupted, continue it with: pitr rollback --apply "
                + plan
                + " --resume w1 --worker 1/3 --state-dir "
                + dir.resolve("state")
                + " --endpoint-url "
                + local.endpoint)
        .contains(
            "Worker 1/3 of run w1 applied its share (1 of 3 chunks); the run has 1 of 3 chunks"
                + " done (the other workers' shares remain: pitr runs show w1)");
    // The plan's order is its own; one chunk of three is applied, whichever it holds.
    assertThat(local.orders()).isNotEqualTo(ROLLED_BACK);

    CliRun third = worker(plan, "3/3", 0);

    assertThat(third.out()).contains("the run has 2 of 3 chunks done (the other workers'");

    CliRun second = worker(plan, "2/3", 0);

    assertThat(second.out())
        .contains(
            "Worker 2/3 of run w1 applied its share (1 of 3 chunks); the run has 3 of 3 chunks"
                + " done\n");
    assertThat(local.orders()).isEqualTo(ROLLED_BACK);
  }

  @Test
  void apply_withAWorkerIndexOutOfRange_exitsTwo_andWritesNothing() {
    Path plan = plan();
    CliRun run = new CliRun();

    int code = code(run, "--apply", plan.toString(), "--worker", "4/3");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker 4/3 is invalid; pass I/N with 1 <= I <= N, e.g. --worker 1/3\n");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
    assertThat(dir.resolve("state").resolve("runs")).doesNotExist();
  }

  @Test
  void apply_withWorkerAutoOutsideAnArrayJob_exitsTwo_andWritesNothing() {
    Path plan = plan();
    CliRun run = new CliRun();
    run.root().target.env = Map.of();

    int code = code(run, "--apply", plan.toString(), "--worker", "auto/3");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker auto/3 takes the worker from AWS_BATCH_JOB_ARRAY_INDEX, which is not"
                + " set: auto works only inside an AWS Batch array job; outside one pass --worker"
                + " I/N, e.g. --worker 1/3\n");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void apply_asAWorkerOfAnotherCountThanTheRuns_exitsTwo_andWritesNothingMore() {
    Path plan = plan();
    worker(plan, "1/2", 0);
    Map<String, String> afterFirst = local.orders();

    CliRun run = worker(plan, "2/3", 2);

    assertThat(run.err())
        .isEqualTo(
            "error: Run w1 is applied by 2 workers (worker 1/2 reported), not 3; join or resume it"
                + " with --worker I/2. Nothing was written\n");
    assertThat(local.orders()).isEqualTo(afterFirst);
  }

  @Test
  void rollback_withWorkerButNoSavedPlan_exitsTwo() {
    CliRun run = new CliRun();

    int code = code(run, "orders", "--to", "-5m", "--worker", "1/2");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker, --run-id and --submit share the apply of a saved plan; make the plan"
                + " with --plan FILE, then pass --apply FILE\n");
  }

  @Test
  void apply_withRunIdAndResume_exitsTwo_andWritesNothing() {
    Path plan = plan();
    CliRun run = new CliRun();

    int code = code(run, "--apply", plan.toString(), "--run-id", "w1", "--resume", "w2");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("error: --resume w2 continues that run; drop --run-id w1 (pass one of them)\n");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void apply_submittedWithoutCheckpointTable_exitsTwo_andSubmitsNothing() {
    Path plan = plan();
    CliRun run = new CliRun();

    int code =
        code(
            run,
            "--apply",
            plan.toString(),
            "--submit",
            "batch",
            "--workers",
            "3",
            "--job-queue",
            "q");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --submit batch needs --checkpoint-table TABLE: the workers run on other"
                + " machines and share their checkpoints there (created on first use), so a failed"
                + " worker can resume. Nothing was submitted\n");
    assertThat(run.out()).isEmpty();
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }
}
