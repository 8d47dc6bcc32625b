package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pitr.dynamo.LocalTarget;
import pitr.local.Faults;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Copy-back and rollback apply killed at random points under faults, then resumed: every item ends
 * as an uninterrupted run leaves it (see {@link CrashAndFaultFixture}).
 */
@Tag("chaos")
class CrashAndFaultTest extends CrashAndFaultFixture {
  private static final int COPY_ITEMS = 2000;

  /** Table chaos-source, copied back in each trial, with {@link #COPY_ITEMS} items. */
  @BeforeAll
  static void source() {
    local.createTable("chaos-source");
    List<WriteRequest> batch = new ArrayList<>();
    for (int i = 0; i < COPY_ITEMS; i++) {
      var item = LocalTarget.item(i, "good", 300);
      batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
      if (batch.size() == 25 || i == COPY_ITEMS - 1) {
        local.engine.batchWriteItem(
            BatchWriteItemRequest.builder().requestItems(Map.of("chaos-source", batch)).build());
        batch = new ArrayList<>();
      }
    }
  }

  @Test
  void copyBack_killedAtRandomPointsUnderFaults_resumesToAnIdenticalTable() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("copy-back", trial);
      String target = "chaos-copy-" + trial;
      String runId = "chaos" + trial;
      Path state = dir.resolve("copy-" + trial);
      local.createTable(target);
      // Harsher than elsewhere: with one retry, some writes of the killed run end in its failure
      // file, and the resume must write them too.
      local.engine.setFaults(new Faults(0.15, 0.05, 0.1, Duration.ofMillis(5), 0.01, r.nextLong()));
      long killAt = 200 + r.nextInt(COPY_ITEMS - 600);
      Child child =
          child(
              "copy-back",
              "--from",
              "chaos-source",
              "--to",
              target,
              "--segments",
              "4",
              "--concurrency",
              "4",
              "--max-wcu",
              "3000",
              // Few retries, so that writes end in the failure file the resume must retry.
              "--retries",
              "1",
              "--max-backoff",
              "20ms",
              "--run-id",
              runId,
              "--state-dir",
              state.toString());
      long killedAfter = child.killWhen(() -> contents(target).size(), killAt);

      Resumed resumed =
          resumeUntilDone(
              "copy-back",
              "--resume",
              runId,
              "--max-backoff",
              "50ms",
              "--state-dir",
              state.toString());
      local.engine.setFaults(Faults.NONE);

      assertThat(resumed.code()).as(replay("copy-back", trial) + ": " + resumed.err()).isZero();
      int resumes = resumed.resumes();
      long lost = compare("copy-back", trial, killedAfter, resumes, "chaos-source", target);
      assertThat(lost).as(replay("copy-back", trial)).isZero();
    }
  }

  @Test
  void rollbackApply_killedAtRandomPointsUnderFaults_resumesToThePlannedTable() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("rollback", trial);
      String table = "chaos-live-" + trial;
      local.createTable(table);
      local.enablePitr(table);
      local.fill(table, 0, 1000, "good", 200);
      Instant t0 = Instant.now();
      Thread.sleep(5);
      local.fill(table, 0, 1000, "bad", 200);
      Instant t1 = Instant.now();
      Thread.sleep(5);
      Map<String, Map<String, AttributeValue>> good = new HashMap<>();
      for (int i = 0; i < 1000; i++) {
        var item = LocalTarget.item(i, "good", 200);
        good.put(item.get("pk").s(), item);
      }

      Path plan = dir.resolve("plan-" + trial + ".jsonl");
      Path state = dir.resolve("rollback-" + trial);
      CliRun planning = new CliRun();
      assertThat(
              planning.execute(
                  "--endpoint-url",
                  local.endpoint(),
                  "rollback",
                  table,
                  "--to",
                  t0.toString(),
                  "--incident-end",
                  t1.toString(),
                  "--plan",
                  plan.toString(),
                  "--state-dir",
                  state.toString()))
          .as(planning.err())
          .isZero();

      local.engine.setFaults(withSeed(r.nextLong()));
      long killAt = 50 + r.nextInt(850);
      Child child =
          child(
              "rollback",
              "--apply",
              plan.toString(),
              "--max-wcu",
              "600",
              "--chunk-items",
              "25",
              "--state-dir",
              state.toString());
      long killedAfter = child.killWhen(() -> countValue(table, "good"), killAt);
      String runId = child.match(Pattern.compile("Applying as run (\\w+);"));
      assertThat(runId).as(replay("rollback", trial) + " printed its run id").isNotNull();

      Resumed resumed =
          resumeUntilDone(
              "rollback",
              "--apply",
              plan.toString(),
              "--resume",
              runId,
              // The chunk size is a test knob of the plan's progress, not a limit of the run.
              "--chunk-items",
              "25",
              "--state-dir",
              state.toString());
      local.engine.setFaults(Faults.NONE);

      assertThat(resumed.code()).as(replay("rollback", trial) + ": " + resumed.err()).isZero();
      int resumes = resumed.resumes();
      long lost = compare("rollback apply", trial, killedAfter, resumes, good, table);
      assertThat(lost).as(replay("rollback", trial)).isZero();
    }
  }

  private static long countValue(String table, String version) {
    return contents(table).values().stream()
        .filter(i -> i.containsKey("v") && version.equals(i.get("v").s()))
        .count();
  }
}
