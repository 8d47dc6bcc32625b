package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
class ArrayWorkersProcessTest {
  private static final int ITEMS = 90;
  private static final String CHECKPOINTS = "pitr-checkpoints";

  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor();
    }
    local.close();
  }

  private Process child(int index, String jobId, Path output, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint));
    all.addAll(List.of(args));
    all.addAll(List.of("--worker", "auto/3", "--checkpoint-table", CHECKPOINTS));
    ProcessBuilder pb =
        new ProcessBuilder(ChildJvm.pitr(all.toArray(String[]::new)))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    pb.environment().put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(index - 1));
    pb.environment().put("AWS_BATCH_JOB_ID", jobId + ":" + (index - 1));
    Process p = pb.start();
    children.add(p);
    return p;
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

  private static void awaitExit(Process p, Path output) throws Exception {
    assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS))
        .as("worker ended: " + Files.readString(output))
        .isTrue();
    assertThat(p.exitValue()).as(Files.readString(output)).isZero();
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
    Path out2 = dir.resolve("w2.out");
    Process w2 = child(2, "job-rb", out2, slow.toArray(String[]::new));
    Poll.until(
        Duration.ofSeconds(120),
        "chunk done by worker 2",
        () -> {
          assertThat(w2.isAlive())
              .as("worker 2 still applying: " + Files.readString(out2))
              .isTrue();
          return positions("rb1").keySet().stream().anyMatch(c -> c % 3 == 1);
        });
    String during = runsShow("rb1", Duration.ZERO);
    assertThat(row(during, "2/3")).contains(" running ").contains("job-rb:1");
    assertThat(row(during, "1/3")).contains(" pending ");

    Path out1 = dir.resolve("w1.out");
    Path out3 = dir.resolve("w3.out");
    Process w1 = child(1, "job-rb", out1, apply);
    Process w3 = child(3, "job-rb", out3, apply);
    w2.destroyForcibly();
    w2.waitFor();
    assertThat(w2.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    awaitExit(w1, out1);
    awaitExit(w3, out3);
    assertThat(Files.readString(out1)).contains("Worker 1/3 of run rb1 applied its share");
    assertThat(local.orders()).isNotEqualTo(expected);

    // Judged after worker 2's lease has lapsed: its process is gone.
    String afterKill = runsShow("rb1", Duration.ofMinutes(10));
    assertThat(row(afterKill, "1/3")).contains(" done ").contains(" 6/6 ");
    assertThat(row(afterKill, "3/3")).contains(" done ").contains(" 6/6 ");
    assertThat(row(afterKill, "2/3")).contains(" failed ");
    assertThat(afterKill)
        .contains(
            "resume 2/3:     pitr rollback --apply PLAN --resume rb1 --worker 2/3"
                + " --checkpoint-table "
                + CHECKPOINTS
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

  private void createTable(String name) {
    local
        .client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
  }

  private Map<String, Map<String, AttributeValue>> items(String table) {
    Map<String, Map<String, AttributeValue>> out = new TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          local
              .client
              .scan(r -> r.tableName(table).consistentRead(true).exclusiveStartKey(from))
              .join();
      page.items().forEach(i -> out.put(i.get("pk").s(), i));
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null && !start.isEmpty());
    return out;
  }

  @Test
  void copyBack_acrossThreeChildWorkers_withOneKilledAndResumed_copiesEveryItemAsOneWorker()
      throws Exception {
    createTable("orders-src");
    createTable("orders");
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
    Path out2 = dir.resolve("c2.out");
    Process w2 = child(2, "job-cb", out2, copy);
    // Killed as soon as it has joined the run (its lease is written), while it copies.
    Poll.until(
        Duration.ofSeconds(120),
        "worker 2 joining the run",
        () -> {
          assertThat(w2.isAlive()).as("worker 2 still copying: " + Files.readString(out2)).isTrue();
          return !leases("cb1").isEmpty();
        });
    assertThat(leases("cb1").get(0).finished()).as("worker 2 not finished yet").isFalse();
    w2.destroyForcibly();
    w2.waitFor();
    assertThat(w2.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    assertThat(row(runsShow("cb1", Duration.ZERO), "2/3")).contains(" running ");
    Path out1 = dir.resolve("c1.out");
    Path out3 = dir.resolve("c3.out");
    Process w1 = child(1, "job-cb", out1, copy);
    Process w3 = child(3, "job-cb", out3, copy);
    awaitExit(w1, out1);
    awaitExit(w3, out3);
    assertThat(items("orders")).isNotEqualTo(items("orders-src"));
    String afterKill = runsShow("cb1", Duration.ofMinutes(10));
    assertThat(row(afterKill, "1/3")).contains(" done ").contains(" 2/2 ");
    assertThat(row(afterKill, "2/3")).contains(" failed ");
    assertThat(afterKill)
        .contains(
            "resume 2/3:     pitr copy-back --resume cb1 --worker 2/3 --checkpoint-table "
                + CHECKPOINTS
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
