package pitr.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.VirtualTime;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A drill that breaks a table, rolls it back and checks it, run step by step against the embedded
 * engine through the real SDK client: the steps' outcomes and the figures of the result and its
 * report (recovery time, data lost, conflicts, write units). The engine's clock moves only in
 * {@code advance} steps, so every duration is exact; waits run on virtual time.
 */
class DrillRecoveryTest {
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  private final AdjustableClock clock = AdjustableClock.startingAt(START);
  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private final LocalTarget local = new LocalTarget(EngineConfig.defaults().withClock(clock));
  private final WriteMeter meter = new WriteMeter(clock);
  private final DynamoDbAsyncClient client =
      TestHttp.dynamo(local.server.endpoint())
          .overrideConfiguration(
              o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(meter))
          .build();

  @AfterEach
  void stop() {
    client.close();
    local.close();
    vts.dispose();
  }

  /** The embedded engine as a drill target, its clock moved by {@code advance} steps. */
  private final DrillTarget engine = new MovedClockTarget(client, clock, meter);

  private DrillResult run(List<Step> steps) {
    Runbook runbook =
        new Runbook("incident", "Break orders and roll it back", "local", steps, Path.of("d.yaml"));
    return VirtualTime.run(vts, new DrillRunner(engine, vts, 1.0).run(runbook));
  }

  private static Step advance(String by) {
    return new Step.Advance("Wait " + by, by);
  }

  /**
   * 20 orders; at 00:02 a bad job zeroes the price of every other one; after it ended (00:03) a
   * customer edits every fourth, five of the zeroed ones; at 00:05 the table is rolled back to
   * 00:01 with the incident's end, then {@code after} runs.
   */
  private static List<Step> incident(String onConflict, Step... after) {
    List<Step> steps =
        new ArrayList<>(
            List.of(
                new Step.CreateTable(
                    "Create orders", "orders", Map.of("pk", "S"), null, null, null, null),
                new Step.EnablePitr("Turn PITR on", "orders"),
                new Step.Seed("Seed 20 orders", "orders", 20L, null),
                new Step.Snapshot("Remember the good state", "orders", "before"),
                advance("1m"),
                new Step.Mark("Before the incident", "t0"),
                advance("1m"),
                new Step.Traffic(
                    "Zero every other price",
                    "bad",
                    "orders",
                    null,
                    2,
                    0,
                    null,
                    Map.of("price", "0")),
                advance("1m"),
                new Step.Mark("The incident is over", "t1"),
                advance("1m"),
                new Step.Traffic(
                    "A customer edits every fourth order",
                    "customer",
                    "orders",
                    null,
                    4,
                    0,
                    null,
                    Map.of("note", "edited")),
                advance("1m"),
                new Step.Rollback("Roll orders back", "orders", "t0", "t1", onConflict, null)));
    steps.addAll(List.of(after));
    steps.add(new Step.Drop("Clean up", "orders"));
    return steps;
  }

  /**
   * Status and detail (or failure) of a step, without how long a rollback waited for the restore
   * window: that is measured on the virtual scheduler, which {@link VirtualTime#run} moves on while
   * answers come back over loopback HTTP, so it is the answers' latency magnified.
   */
  private static String outcome(StepResult r) {
    String detail = r.failure() != null ? r.failure() : r.detail();
    return r.status()
        + " "
        + detail.replaceFirst("^waited [0-9]+ s for the restore window [^;]*; ", "");
  }

  @Test
  void drill_rollingBackAnIncident_restoresTheTable_keepsTheCustomersEdits_andTimesTheRecovery() {
    DrillResult result =
        run(
            incident(
                null,
                advance("2m"),
                new Step.AssertConflicts(
                    "The customer's edits are the conflicts", null, "customer"),
                new Step.AssertUnchanged(
                    "Orders are as before but for the edits",
                    "orders",
                    "before",
                    List.of("customer"))));

    assertThat(result.steps())
        .map(DrillRecoveryTest::outcome)
        .containsExactly(
            "PASSED created orders (on-demand)",
            "PASSED point-in-time recovery on for orders",
            "PASSED seeded 20 items into orders",
            "PASSED 20 items of orders remembered as before",
            "PASSED time moved on by 1m",
            "PASSED t0 = 2025-01-01T00:01:00Z",
            "PASSED time moved on by 1m",
            "PASSED updated 10 of 20 items in orders",
            "PASSED time moved on by 1m",
            "PASSED t1 = 2025-01-01T00:03:00Z",
            "PASSED time moved on by 1m",
            "PASSED updated 5 of 20 items in orders",
            "PASSED time moved on by 1m",
            "PASSED restored 5, deleted 0, conflicts 5, not verified 0, failed 0",
            "PASSED time moved on by 2m",
            "PASSED 5 conflicts reported, as expected",
            "PASSED 15 items as in snapshot before, 5 items written during the incident kept",
            "PASSED dropped orders");
    assertThat(result.passed()).isTrue();
    assertThat(result.recoveryTime()).isEqualTo(Duration.ofMinutes(2));
    assertThat(result.dataLost()).isZero();
    assertThat(result.conflicts()).isEqualTo(5);
    assertThat(result.startedAt()).isEqualTo(START);
    assertThat(result.finishedAt()).isEqualTo(START.plus(Duration.ofMinutes(7)));
    // 20 seeded, 10 zeroed, 5 edited, 5 restored: one unit each.
    assertThat(result.wcu()).isEqualTo(40.0);
    assertThat(DrillReport.markdown(result))
        .startsWith("# Drill incident: PASSED\n")
        .contains(
            "| Took | 0.00 s (and the engine's clock was moved on 7m 00s by advance steps, which took"
                + " no time) |\n")
        .contains("| Recovery time (start of recovery to verified) | 2m 00s |\n")
        .contains("| Data lost (items not restored; must be 0) | 0 |\n")
        .contains("| Conflicts found | 5 |\n")
        .contains("| WCU used | 40.0 |\n");
  }

  @Test
  void drill_rollingBackWithOverwrite_countsTheConflictsItOverwrote() {
    DrillResult result =
        run(
            incident(
                "overwrite",
                new Step.AssertConflicts(
                    "The customer's edits are the conflicts", null, "customer"),
                new Step.AssertUnchanged(
                    "Orders are exactly as before", "orders", "before", null)));

    List<StepResult> steps = result.steps();
    assertThat(steps.subList(steps.size() - 3, steps.size()))
        .map(DrillRecoveryTest::outcome)
        .containsExactly(
            "PASSED 5 conflicts reported, as expected",
            "PASSED 20 items as in snapshot before, 0 items written during the incident kept",
            "PASSED dropped orders");
    assertThat(result.conflicts()).isEqualTo(5);
    assertThat(DrillReport.markdown(result)).contains("| Conflicts found | 5 |\n");
  }

  @Test
  void drill_whoseCheckFindsItemsUnlikeTheSnapshot_countsThemAsLost_andGoesOnToTheCleanUp() {
    DrillResult result =
        run(
            incident(
                null,
                new Step.AssertUnchanged("Orders are exactly as before", "orders", "before", null),
                new Step.AssertCount("Still 20 orders", "orders", 20L, null)));

    List<StepResult> steps = result.steps();
    StepResult unchanged = steps.get(steps.size() - 3);
    assertThat(unchanged.status()).isEqualTo(StepResult.Status.FAILED);
    assertThat(unchanged.failure())
        .startsWith("5 items differ from snapshot before (data lost), e.g. key ");
    assertThat(steps.subList(steps.size() - 2, steps.size()))
        .map(DrillRecoveryTest::outcome)
        .containsExactly("PASSED orders holds 20 items", "PASSED dropped orders");
    assertThat(result.dataLost()).isEqualTo(5);
    assertThat(result.recoveryTime()).isEqualTo(Duration.ZERO);
    assertThat(DrillReport.verdict(result)).isEqualTo("FAILED: 1 of 17 steps failed");
    assertThat(DrillReport.markdown(result))
        .contains("| Data lost (items not restored; must be 0) | 5 |\n")
        .contains("\n## Failed\n\n- Step 15 (Orders are exactly as before): 5 items differ");
  }

  @Test
  void drill_withoutARollback_hasNoRecoveryTime_andSaysSo() {
    DrillResult result =
        run(
            List.of(
                new Step.CreateTable(
                    "Create orders", "orders", Map.of("pk", "S"), null, null, null, null),
                new Step.Seed("Seed 3 orders", "orders", 3L, null),
                advance("90s"),
                new Step.AssertCount("Three orders", "orders", 3L, null),
                new Step.Drop("Clean up", "orders")));

    assertThat(result.passed()).isTrue();
    assertThat(result.recoveryTime()).isNull();
    assertThat(DrillReport.markdown(result))
        .contains(
            "| Took | 0.00 s (and the engine's clock was moved on 1m 30s by advance steps, which took"
                + " no time) |\n")
        .contains("| Recovery time (start of recovery to verified) | no recovery step |\n")
        .contains("| WCU used | 3.0 |\n");
  }

  @Test
  void drill_rollingBackABadMigration_marksItsRunRolledBack_andKeepsTheCustomersEdits() {
    Runbook runbook = RunbookLoader.load(Path.of("runbooks", "rollback-bad-migration.yaml"));

    DrillResult result = VirtualTime.run(vts, new DrillRunner(engine, vts, 0.001).run(runbook));

    assertThat(result.failures()).isEmpty();
    assertThat(result.steps().get(5).detail())
        .startsWith("0001_discount_books wrote 25 items (run ");
    assertThat(outcome(result.steps().get(8)))
        .matches(
            "PASSED run \\S+ of 0001_discount_books rolled back; restored 20, deleted 0,"
                + " conflicts 5, not verified 0, failed 0");
    assertThat(result.conflicts()).isEqualTo(5);
    assertThat(result.dataLost()).isZero();
    assertThat(result.recoveryTime()).isEqualTo(Duration.ZERO);
    var ledger =
        pitr.migrate.MigrationEnvironment.create(
                client, clock, vts, pitr.migrate.MigrationEnvironment.Settings.defaults("engine"))
            .ledger();
    assertThat(VirtualTime.run(vts, ledger.runs("0001_discount_books").collectList()))
        .singleElement()
        .satisfies(
            run -> assertThat(run.status()).isEqualTo(pitr.migrate.MigrationState.ROLLED_BACK));
  }

  @Test
  void
      drill_rollingBackWithoutTheIncidentEnd_withDeleteExtra_restoresDeletedItems_andDeletesNewOnes() {
    DrillResult result =
        run(
            List.of(
                new Step.CreateTable(
                    "Create orders", "orders", Map.of("pk", "S"), null, null, null, null),
                new Step.EnablePitr("Turn PITR on", "orders"),
                new Step.Seed("Seed 10 orders", "orders", 10L, null),
                new Step.Snapshot("Remember the good state", "orders", "before"),
                advance("1m"),
                new Step.Mark("Before the incident", "t0"),
                advance("1m"),
                new Step.Traffic(
                    "Delete every fifth order", "gone", "orders", "delete", 5, 0, null, null),
                new Step.Traffic(
                    "Insert three strays",
                    "new",
                    "orders",
                    "insert",
                    null,
                    null,
                    3L,
                    Map.of("v", "stray")),
                advance("1m"),
                new Step.Rollback("Roll orders back", "orders", "t0", null, null, true),
                new Step.AssertUnchanged("Orders are exactly as before", "orders", "before", null),
                new Step.AssertItem(
                    "The first stray is gone", "orders", Map.of("pk", "new#0000001"), null, true),
                new Step.AssertConflicts("Expect one conflict", 1L, null),
                new Step.Drop("Clean up", "orders")));

    assertThat(result.steps().subList(7, 14))
        .map(DrillRecoveryTest::outcome)
        .containsExactly(
            "PASSED deleted 2 of 10 items in orders",
            "PASSED inserted 3 new items into orders",
            "PASSED time moved on by 1m",
            "PASSED restored 2, deleted 3, conflicts 0, not verified 0, failed 0",
            "PASSED 10 items as in snapshot before, 0 items written during the incident kept",
            "PASSED item {\"pk\":{\"S\":\"new#0000001\"}} is absent",
            "FAILED the rollback reported 0 conflicts, expected 1");
    assertThat(result.steps().get(14).status()).isEqualTo(StepResult.Status.PASSED);
    assertThat(result.dataLost()).isZero();
    assertThat(result.conflicts()).isZero();
    assertThat(DrillReport.verdict(result)).isEqualTo("FAILED: 1 of 15 steps failed");
  }
}
