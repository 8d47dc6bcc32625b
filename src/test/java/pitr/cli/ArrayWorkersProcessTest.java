package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import pitr.copy.SegmentPosition;
import pitr.copy.TableCheckpoints;
import pitr.dynamo.DynamoDbGateway;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Three workers started as AWS Batch starts an array job's children (child JVMs with {@code
 * AWS_BATCH_JOB_ARRAY_INDEX} and {@code AWS_BATCH_JOB_ID} in their environment, each with {@code
 * --worker auto/3}), against the engine over HTTP, sharing one run id and a checkpoint table: one
 * of them is killed with SIGKILL mid-run and resumed, the result equals one worker's item for item,
 * and {@code pitr runs show} reports each worker's state along the way.
 */
class ArrayWorkersProcessTest extends MigrateProcessFixture {
  private static final int ITEMS = 90;
  private static final String CHECKPOINTS = "pitr-checkpoints";

  /**
   * Starts worker {@code index} of 3 of array job {@code jobId} in a child JVM running {@code pitr
   * args... --worker auto/3} on the engine and the checkpoint table, its output in the folder
   * {@code name}.
   */
  private Child worker(String name, String jobId, int index, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint));
    all.addAll(List.of(args));
    all.addAll(List.of("--worker", "auto/3", "--checkpoint-table", CHECKPOINTS));
    return arrayChild(name, jobId, index, all.toArray(String[]::new));
  }

  private Map<Integer, SegmentPosition> positions(String runId) {
    return TableCheckpoints.in(DynamoDbGateway.create(local.client, "local"), CHECKPOINTS)
        .positions(runId)
        .block();
  }

  private List<pitr.copy.WorkerLease> leases(String runId) {
    return TableCheckpoints.in(DynamoDbGateway.create(local.client, "local"), CHECKPOINTS)
        .leases(runId)
        .block();
  }

  /** {@code pitr runs show RUN_ID} with the leases judged {@code ahead} from now. */
  private String runsShow(String runId, Duration ahead) {
    CliRun run = new CliRun();
    RunsCommand runs = (RunsCommand) run.commandLine.getSubcommands().get("runs").getCommand();
    runs.clock = Clock.offset(Clock.systemUTC(), ahead);
    int code =
        run.execute(
            "--endpoint-url",
            local.endpoint,
            "runs",
            "show",
            runId,
            "--checkpoint-table",
            CHECKPOINTS,
            "--state-dir",
            dir.resolve("state").toString());
    assertThat(code).as(run.err()).isZero();
    return run.out();
  }

  private static String row(String out, String worker) {
    return out.lines()
        .filter(l -> l.startsWith("  " + worker + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row of worker " + worker + " in\n" + out));
  }

  @Test
  void rollbackApply_acrossThreeChildWorkers_withOneKilledAndResumed_endsAsOneWorker()
      throws Exception {
    local.createOrders();
    local.putMany(ITEMS, "v1");
    Instant t0 = RollbackTestEngine.mark();
    local.putMany(ITEMS, "bad");
    Instant t1 = RollbackTestEngine.mark();
    Path plan = dir.resolve("plan.jsonl");
    CliRun planning = new CliRun();
    assertThat(
            planning.execute(
                "--endpoint-url",
                local.endpoint,
                "rollback",
                "orders",
                "--to",
                t0.toString(),
                "--incident-end",
                t1.toString(),
                "--plan",
                plan.toString(),
                "--state-dir",
                dir.resolve("state").toString()))
        .as(planning.err())
        .isZero();
    Map<String, String> expected = new TreeMap<>();
    for (int i = 0; i < ITEMS; i++) {
      expected.put(String.format("o%03d", i), "v1");
    }
    String[] apply = {
      "rollback",
      "--apply",
      plan.toString(),
      "--run-id",
      "rb1",
      "--chunk-items",
      "5",
      "--state-dir",
      dir.resolve("state").toString()
    };
    // 18 chunks; worker 2 is paced so that it is still applying when it is killed: its 6 chunks
    // of 5 items at 2 WCU/s take 15 s, leaving over 10 s after its first chunk however loaded the
    // machine is.
    List<String> slow = new ArrayList<>(List.of(apply));
    slow.addAll(List.of("--max-wcu", "2"));
    Child w2 = worker("w2", "job-rb", 2, slow.toArray(String[]::new));
    Poll.until(
        Duration.ofSeconds(120),
        "chunk done by worker 2",
        () -> {
          assertThat(w2.process().isAlive()).as("worker 2 still applying: " + w2.output()).isTrue();
          return positions("rb1").keySet().stream().anyMatch(c -> c % 3 == 1);
        });
    String during = runsShow("rb1", Duration.ZERO);
    assertThat(row(during, "2/3")).contains(" running ").contains("job-rb:1");
    assertThat(row(during, "1/3")).contains(" pending ");

    Child w1 = worker("w1", "job-rb", 1, apply);
    Child w3 = worker("w3", "job-rb", 3, apply);
    w2.kill();
    assertThat(w2.process().exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    w1.awaitSuccess(Duration.ofSeconds(120));
    w3.awaitSuccess(Duration.ofSeconds(120));
    assertThat(w1.output()).contains("Worker 1/3 of run rb1 applied its share");
    assertThat(local.orders()).isNotEqualTo(expected);

    // Judged after worker 2's lease has lapsed: its process is gone.
    String afterKill = runsShow("rb1", Duration.ofMinutes(10));
    assertThat(row(afterKill, "1/3")).contains(" done ").contains(" 6/6 ");
    assertThat(row(afterKill, "3/3")).contains(" done ").contains(" 6/6 ");
    assertThat(row(afterKill, "2/3")).contains(" failed ");
    assertThat(afterKill)
        .contains(
            "resume 2/3:     pitr --endpoint-url "
                + local.endpoint
                + " rollback --apply PLAN --resume rb1 --worker 2/3 --checkpoint-table "
                + CHECKPOINTS
                + " --state-dir "
                + dir.resolve("state")
                + "\n");

    CliRun resumed = new CliRun();
    int code =
        resumed.execute(
            "--endpoint-url",
            local.endpoint,
            "rollback",
            "--apply",
            plan.toString(),
            "--resume",
            "rb1",
            "--worker",
            "2/3",
            "--chunk-items",
            "5",
            "--checkpoint-table",
            CHECKPOINTS,
            "--state-dir",
            dir.resolve("state").toString());

    assertThat(code).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("the run has 18 of 18 chunks done\n");
    assertThat(local.orders()).isEqualTo(expected);
    String after = runsShow("rb1", Duration.ZERO);
    assertThat(after).contains("progress:       18 of 18 chunks done\n");
    for (String w : List.of("1/3", "2/3", "3/3")) {
      assertThat(row(after, w)).contains(" done ");
    }
  }

  private Map<String, Map<String, AttributeValue>> items(String table) {
    return RollbackTestEngine.byPk(local.client, table, i -> i);
  }

  @Test
  void copyBack_acrossThreeChildWorkers_withOneKilledAndResumed_copiesEveryItemAsOneWorker()
      throws Exception {
    local.createTable("orders-src");
    local.createTable("orders");
    for (int i = 0; i < 150; i++) {
      String pk = String.format("c%04d", i);
      String n = Integer.toString(i);
      local
          .client
          .putItem(
              r ->
                  r.tableName("orders-src")
                      .item(Map.of("pk", AttributeValue.fromS(pk), "n", AttributeValue.fromN(n))))
          .join();
    }
    String[] copy = {
      "copy-back",
      "--from",
      "orders-src",
      "--to",
      "orders",
      "--segments",
      "6",
      "--run-id",
      "cb1",
      "--yes",
      // Paced, so that worker 2 is still copying when it is killed: its 50 items at 5 WCU/s take
      // 10 s from the moment it joins, however loaded the machine is. A run's workers share its
      // limits.
      "--max-wcu",
      "5",
      "--state-dir",
      dir.resolve("state").toString()
    };
    Child w2 = worker("c2", "job-cb", 2, copy);
    // Killed as soon as it has joined the run (its lease is written), while it copies.
    Poll.until(
        Duration.ofSeconds(120),
        "worker 2 joining the run",
        () -> {
          assertThat(w2.process().isAlive()).as("worker 2 still copying: " + w2.output()).isTrue();
          return !leases("cb1").isEmpty();
        });
    assertThat(leases("cb1").get(0).finished()).as("worker 2 not finished yet").isFalse();
    w2.kill();
    assertThat(w2.process().exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    // Its lease has not lapsed, but its process on this host is gone: failed at once.
    assertThat(row(runsShow("cb1", Duration.ZERO), "2/3")).contains(" failed ");
    Child w1 = worker("c1", "job-cb", 1, copy);
    Child w3 = worker("c3", "job-cb", 3, copy);
    w1.awaitSuccess(Duration.ofSeconds(120));
    w3.awaitSuccess(Duration.ofSeconds(120));
    assertThat(items("orders")).isNotEqualTo(items("orders-src"));
    String afterKill = runsShow("cb1", Duration.ofMinutes(10));
    assertThat(row(afterKill, "1/3")).contains(" done ").contains(" 2/2 ");
    assertThat(row(afterKill, "2/3")).contains(" failed ");
    assertThat(afterKill)
        .contains(
            "resume 2/3:     pitr --endpoint-url "
                + local.endpoint
                + " copy-back --resume cb1 --worker 2/3 --checkpoint-table "
                + CHECKPOINTS
                + " --state-dir "
                + dir.resolve("state")
                + "\n");

    CliRun resumed = new CliRun();
    int code =
        resumed.execute(
            "--endpoint-url",
            local.endpoint,
            "copy-back",
            "--resume",
            "cb1",
            "--worker",
            "2/3",
            "--checkpoint-table",
            CHECKPOINTS,
            "--state-dir",
            dir.resolve("state").toString());

    assertThat(code).as(resumed.err()).isZero();
    assertThat(items("orders")).isEqualTo(items("orders-src"));
    String after = runsShow("cb1", Duration.ZERO);
    assertThat(after).contains("progress:       6 of 6 segments done\n");
    for (String w : List.of("1/3", "2/3", "3/3")) {
      assertThat(row(after, w)).contains(" done ");
    }
  }
}
