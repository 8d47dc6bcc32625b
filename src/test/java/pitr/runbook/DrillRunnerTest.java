package pitr.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
 * The drill runner's steps against the embedded engine over loopback HTTP, through the real SDK
 * client; waits and backoffs run on virtual time.
 */
class DrillRunnerTest {
  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  /** Provisioned capacity comes back only as the clock moves, and it never moves by itself. */
  private static final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2025-01-01T00:00:00Z"));

  private static LocalTarget local;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void start() {
    local = new LocalTarget(EngineConfig.defaults().withClock(clock).withBurstSeconds(1));
    // Without the SDK's own retries, whose backoff would take real time: the gateway's are enough.
    client =
        TestHttp.dynamo(local.server.endpoint())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    engine = new MovedClockTarget(client, clock, null);
  }

  @AfterEach
  void clean() {
    local.deleteAllTables();
    vts.dispose();
  }

  @AfterAll
  static void stop() {
    client.close();
    local.close();
  }

  /** The embedded engine as a drill target. */
  private static DrillTarget engine;

  private DrillResult run(Step... steps) {
    Runbook runbook =
        new Runbook("test", "A test drill", "local", List.of(steps), Path.of("drill.yaml"));
    return VirtualTime.run(vts, new DrillRunner(engine, vts, 1.0).run(runbook));
  }

  private static String outcome(StepResult r) {
    return r.status() + " " + (r.failure() != null ? r.failure() : r.detail());
  }

  @Test
  void seedCountAndItem_readAndWriteThroughTheGateway() {
    DrillResult result =
        run(
            new Step.CreateTable("Create", "things", Map.of("pk", "S"), null, null, null, null),
            new Step.Seed("Seed", "things", 60L, null),
            new Step.AssertCount("Count", "things", 60L, null),
            new Step.AssertItem(
                "Item 7",
                "things",
                Map.of("pk", "item#0000007"),
                Map.of("category", "tools", "price", "17"),
                null),
            new Step.Drop("Drop", "things"));

    assertThat(result.steps())
        .map(DrillRunnerTest::outcome)
        .containsExactly(
            "PASSED created things (on-demand)",
            "PASSED seeded 60 items into things",
            "PASSED things holds 60 items",
            "PASSED item {\"pk\":{\"S\":\"item#0000007\"}} is as expected",
            "PASSED dropped things");
  }

  @Test
  void run_tellsEachStepAsItFinishes_inOrder_beforeTheDrillEnds() {
    Runbook runbook =
        new Runbook(
            "test",
            "A test drill",
            "local",
            List.of(
                new Step.CreateTable("Create", "things", Map.of("pk", "S"), null, null, null, null),
                new Step.Seed("Seed", "things", 10L, null),
                new Step.AssertCount("Count", "things", 11L, null),
                new Step.Drop("Drop", "things")),
            Path.of("drill.yaml"));
    List<String> told = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger stepsWhenSeedWasTold =
        new java.util.concurrent.atomic.AtomicInteger(-1);

    DrillResult result =
        VirtualTime.run(
            vts,
            new DrillRunner(engine, vts, 1.0)
                .run(
                    runbook,
                    r -> {
                      told.add(r.number() + " " + r.status());
                      if (r.number() == 2) {
                        // The table is still there: told before the later steps ran.
                        stepsWhenSeedWasTold.set(client.listTables().join().tableNames().size());
                      }
                    }));

    assertThat(told).containsExactly("1 PASSED", "2 PASSED", "3 FAILED", "4 PASSED");
    assertThat(result.steps()).map(r -> r.number() + " " + r.status()).isEqualTo(told);
    assertThat(stepsWhenSeedWasTold.get()).isEqualTo(1);
  }

  @Test
  void seed_whenTheTableStaysThrottled_failsNamingWhatWasLeft_skipsTheRest_butStillDrops() {
    // 5 WCU and a clock that never moves: five items land, the other twenty never can.
    DrillResult result =
        run(
            new Step.CreateTable(
                "Create", "things", Map.of("pk", "S"), "provisioned", 5L, 5L, null),
            new Step.Seed("Seed", "things", 25L, null),
            new Step.AssertCount("Count", "things", 25L, null),
            new Step.Drop("Drop", "things"));

    assertThat(result.steps())
        .map(DrillRunnerTest::outcome)
        .containsExactly(
            "PASSED created things (provisioned, 5 WCU)",
            "FAILED 20 items stayed unprocessed in things after every retry (The level of"
                + " configured provisioned throughput for the table was exceeded. Consider"
                + " increasing your provisioning level with the UpdateTable API.); raise its"
                + " write capacity",
            "SKIPPED ",
            "PASSED dropped things");
  }

  @Test
  void restore_ofATableWithTtl_showsTheRestoredTableLostIt() {
    DrillResult result =
        run(
            new Step.CreateTable("Create", "sessions", Map.of("pk", "S"), null, null, null, "exp"),
            new Step.EnablePitr("PITR", "sessions"),
            new Step.Seed("Seed", "sessions", 3L, null),
            new Step.Advance("Wait", "1m"),
            new Step.Mark("Mark", "t0"),
            new Step.Advance("Wait", "1m"),
            new Step.Restore("Restore", "sessions", "t0", "sessions-restored"),
            new Step.AssertTtl("TTL kept on the source", "sessions", "exp"),
            new Step.AssertTtl("TTL lost by the restore", "sessions-restored", null),
            new Step.AssertTtl("Wrongly expected", "sessions-restored", "exp"),
            new Step.AssertCount("Items restored", "sessions-restored", 3L, null),
            new Step.Drop("Drop", "sessions-restored"),
            new Step.Drop("Drop", "sessions"));

    assertThat(result.steps())
        .map(DrillRunnerTest::outcome)
        .contains(
            "PASSED created sessions (on-demand), TTL on exp",
            "PASSED TTL of sessions is on for exp",
            "PASSED TTL of sessions-restored is off",
            "FAILED TTL of sessions-restored is off, expected on for exp",
            "PASSED sessions-restored holds 3 items");
    assertThat(result.steps().get(6).detail())
        .contains("restored sessions as of ")
        .contains(" into sessions-restored; not carried over: TTL on attribute exp (expired items")
        .contains("point-in-time recovery (off on sessions-restored)");
  }

  @Test
  void restore_atAMarkTakenInsideAMillisecond_isAtThatMillisecond_asDynamoDbTakesIt() {
    // The mark falls 123.456789 ms into a second; the SDK sends restore instants to the ms.
    clock.advance(java.time.Duration.ofNanos(123_456_789));
    Instant marked = clock.instant().plus(java.time.Duration.ofMinutes(1));
    try {
      DrillResult result =
          run(
              new Step.CreateTable("Create", "carts", Map.of("pk", "S"), null, null, null, null),
              new Step.EnablePitr("PITR", "carts"),
              new Step.Seed("Seed", "carts", 3L, null),
              new Step.Advance("Wait", "1m"),
              new Step.Mark("Mark", "t0"),
              // The engine's restore window trails its clock by 1s, to the millisecond.
              new Step.Advance("Until t0 is restorable", "1s"),
              new Step.Restore("Restore", "carts", "t0", "carts-restored"),
              new Step.AssertCount("Items restored", "carts-restored", 3L, null),
              new Step.Drop("Drop", "carts-restored"),
              new Step.Drop("Drop", "carts"));

      assertThat(result.steps())
          .map(DrillRunnerTest::outcome)
          .allMatch(o -> o.startsWith("PASSED"));
      assertThat(result.steps().get(4).detail())
          .isEqualTo("t0 = " + marked.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      assertThat(result.steps().get(6).detail())
          .contains(
              "restored carts as of "
                  + marked.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                  + " into carts-restored");
    } finally {
      clock.advance(java.time.Duration.ofNanos(1_000_000_000 - 123_456_789));
    }
  }

  @Test
  void drop_ofATableAlreadyGone_passesSayingSo() {
    DrillResult result = run(new Step.Drop("Drop", "ghost"));

    assertThat(result.steps())
        .map(DrillRunnerTest::outcome)
        .containsExactly("PASSED ghost was already gone");
  }

  @Test
  void assertItem_ofAMissingTable_failsNamingTheTableAndTheTarget() {
    DrillResult result =
        run(
            new Step.AssertItem("Item", "ghost", Map.of("pk", "a"), null, null),
            new Step.Drop("Drop", "ghost"));

    assertThat(result.steps())
        .map(DrillRunnerTest::outcome)
        .containsExactly(
            "FAILED Table ghost does not exist in the embedded engine; check the name and region",
            "PASSED ghost was already gone");
  }
}
