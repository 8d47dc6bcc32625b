package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A migration across three workers started as AWS Batch starts an array job's children (child JVMs
 * running {@code migrate prod NAME --worker auto/3 --run-id R} with {@code
 * AWS_BATCH_JOB_ARRAY_INDEX} and {@code AWS_BATCH_JOB_ID} in their environment), against the engine
 * over HTTP: one is killed with SIGKILL mid-run and resumed; the result equals one worker's item
 * for item (a migration that is not idempotent counts every item once), the ledger holds one run
 * whose counts are the workers' sum, {@code migrate list} reports each worker along the way, and
 * {@code migrate rollback} undoes the whole run from its one journal.
 */
class MigrateWorkersProcessTest extends MigrateProcessFixture {
  private static final int ITEMS = 150;
  private static final String RUN = "mig-w3";

  private final Counters counters = new Counters(local);

  /**
   * Starts worker {@code index} of 3 of run {@link #RUN} in a child JVM, as AWS Batch starts an
   * array job's child.
   */
  private Child worker(int index, Path m, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                local.endpoint,
                "migrate",
                "prod",
                "0001",
                "--yes",
                "--migrations-dir",
                m.toString(),
                "--worker",
                "auto/3",
                "--run-id",
                RUN));
    args.addAll(List.of(extra));
    return arrayChild("w" + index, "job-m", index, args.toArray(String[]::new));
  }

  private String list(Path m) {
    CliRun run = new CliRun();
    int code =
        run.execute(
            "--endpoint-url", local.endpoint, "migrate", "list", "--migrations-dir", m.toString());
    assertThat(code).as(run.err()).isZero();
    return run.out();
  }

  @Test
  void migration_acrossThreeChildWorkers_withOneKilledAndResumed_endsAsOneWorker_andRollsBack()
      throws Exception {
    Path m = Counters.migration(dir, "segments(6).pageSize(10).concurrency(2)");
    counters.seedWithPitr(ITEMS);

    // Worker 2 is paced so that it is still writing when it is killed.
    Child w2 = worker(2, m, "--max-wcu", "5");
    Poll.until(
        Duration.ofSeconds(90),
        "5 counted items from worker 2",
        () -> {
          if (counters.counted() >= 5) {
            return true;
          }
          assertThat(w2.process().isAlive()).as("worker 2 still writing: " + w2.output()).isTrue();
          return false;
        });
    assertThat(list(m)).contains("worker 2/3  running").contains("job-m:1");
    Child w1 = worker(1, m);
    Child w3 = worker(3, m);
    w2.process().destroyForcibly();
    w2.process().waitFor();
    assertThat(w2.process().exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    w1.awaitSuccess(Duration.ofSeconds(180));
    w3.awaitSuccess(Duration.ofSeconds(180));
    assertThat(w1.output()).contains("note: worker 1/3 finished its share of run " + RUN);
    assertThat(counters.counted()).isLessThan(ITEMS);
    assertThat(counters.ledger("run")).hasSize(1);
    assertThat(counters.ledger("run").get(0).get("status").s()).isEqualTo("RUNNING");
    String afterKill = list(m);
    assertThat(afterKill).contains("worker 1/3  done").contains("worker 3/3  done");

    CliRun resumed = new CliRun();
    int code =
        resumed.execute(
            "--endpoint-url",
            local.endpoint,
            "migrate",
            "resume",
            "0001",
            "--prod",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--worker",
            "2/3",
            "--run-id",
            RUN);

    assertThat(code).as(resumed.err() + resumed.out()).isZero();
    assertThat(resumed.out())
        .contains("note: worker 2/3 resumed its share of run " + RUN)
        .contains("note: run " + RUN + " SUCCEEDED: all 3 workers finished");
    assertThat(counters.hits())
        .hasSize(ITEMS)
        .allSatisfy((k, h) -> assertThat(h).as(k).isEqualTo(1));
    List<Map<String, AttributeValue>> runs = counters.ledger("run");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(runs.get(0).get("itemsWritten").n()).isEqualTo(Integer.toString(ITEMS));
    assertThat(counters.ledger("lock").get(0)).doesNotContainKey("holder");
    assertThat(list(m)).contains("worker 2/3  done");

    CliRun rollback = new CliRun();
    int rolled =
        rollback.execute(
            "--endpoint-url",
            local.endpoint,
            "migrate",
            "rollback",
            "0001",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--state-dir",
            dir.resolve("state").toString());

    assertThat(rolled).as(rollback.err() + rollback.out()).isZero();
    assertThat(counters.hits()).hasSize(ITEMS).allSatisfy((k, h) -> assertThat(h).as(k).isZero());
    assertThat(counters.ledger("run").get(0).get("status").s()).isEqualTo("ROLLED_BACK");
  }
}
