package pitr.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.TestHttp;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.ReadUnits;
import pitr.dynamo.VirtualTime;
import pitr.export.DirectoryExportStore;
import pitr.export.ExportStore;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * One incident on two identical copies of a table, recovered through restores on one and through an
 * export on the other, against the embedded engine through the real SDK client: each rollback step
 * is a recovery path with exact figures (the engine's clock moves only in {@code advance} steps, so
 * restores and exports take no time on it), and the report shows them side by side.
 */
class DrillRecoveryPathsTest {
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path dir;
  private final AdjustableClock clock = AdjustableClock.startingAt(START);
  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private LocalTarget local;
  private DynamoDbAsyncClient client;
  private final ReadUnits reads = new ReadUnits();

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
      local.close();
    }
    vts.dispose();
  }

  /** The engine as a drill target that meters reads and exports into {@code dir/s3}. */
  private DrillTarget target() {
    local =
        new LocalTarget(
            EngineConfig.defaults()
                .withClock(clock)
                .withExports(EngineConfig.Exports.DEFAULTS.withDirectory(dir.resolve("s3"))));
    client =
        TestHttp.dynamo(local.server.endpoint())
            .overrideConfiguration(
                o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(reads))
            .build();
    DynamoDbAsyncClient c = client;
    return new DrillTarget() {
      @Override
      public String name() {
        return "the embedded engine";
      }

      @Override
      public DynamoDbAsyncClient client() {
        return c;
      }

      @Override
      public java.time.Clock clock() {
        return clock;
      }

      @Override
      public Mono<Void> advance(Duration by) {
        return Mono.fromRunnable(() -> clock.advance(by));
      }

      @Override
      public boolean movesClock() {
        return true;
      }

      @Override
      public void injectFaults(String spec) {
        throw new UnsupportedOperationException();
      }

      @Override
      public WriteMeter meter() {
        return null;
      }

      @Override
      public ReadUnits reads() {
        return reads;
      }

      @Override
      public ExportStore exports(String bucket) {
        try {
          Files.createDirectories(dir.resolve("s3").resolve(bucket));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return new DirectoryExportStore(dir.resolve("s3"));
      }

      @Override
      public void close() {}
    };
  }

  private static Step advance(String by) {
    return new Step.Advance("Wait " + by, by);
  }

  /**
   * 20 orders in each of a and b; at 00:02 a bad job zeroes every other price of both; the incident
   * ends at 00:17; at 00:18 a customer edits every fourth order of each (five zeroed ones); at
   * 00:19 a is rolled back through restores and b through an export of [00:01, 00:17) (step 22).
   * Both read the live table alike (its 10 changed keys, to plan and to apply); the restore path
   * also scans its two 20-item recovery tables.
   */
  private DrillResult drill(String onConflict) {
    List<Step> steps = new ArrayList<>();
    for (String t : List.of("orders-a", "orders-b")) {
      steps.add(new Step.CreateTable("Create " + t, t, Map.of("pk", "S"), null, null, null, null));
      steps.add(new Step.EnablePitr("Turn PITR on for " + t, t));
      steps.add(new Step.Seed("Seed 20 orders into " + t, t, 20L, null));
      steps.add(new Step.Snapshot("Remember " + t, t, "before-" + t));
    }
    steps.add(advance("1m"));
    steps.add(new Step.Mark("Before the incident", "t0"));
    steps.add(advance("1m"));
    for (String t : List.of("orders-a", "orders-b")) {
      steps.add(
          new Step.Traffic(
              "Zero every other price of " + t, null, t, null, 2, 0, null, Map.of("price", "0")));
    }
    steps.add(advance("15m"));
    steps.add(new Step.Mark("The incident is over", "t1"));
    steps.add(advance("1m"));
    for (String t : List.of("orders-a", "orders-b")) {
      steps.add(
          new Step.Traffic(
              "A customer edits every fourth order of " + t,
              "customer-" + t,
              t,
              null,
              4,
              0,
              null,
              Map.of("note", "edited")));
    }
    steps.add(advance("1m"));
    steps.add(
        new Step.Rollback(
            "Roll a back through restores",
            "orders-a",
            "t0",
            "t1",
            onConflict,
            null,
            null,
            null,
            null));
    steps.add(
        new Step.AssertUnchanged(
            "a is as before but for the edits",
            "orders-a",
            "before-orders-a",
            "overwrite".equals(onConflict) ? null : List.of("customer-orders-a")));
    steps.add(
        new Step.Rollback(
            "Roll b back through an export",
            "orders-b",
            "t0",
            "t1",
            onConflict,
            null,
            "export",
            "drill-exports",
            "incident"));
    steps.add(
        new Step.AssertUnchanged(
            "b is as before but for the edits",
            "orders-b",
            "before-orders-b",
            "overwrite".equals(onConflict) ? null : List.of("customer-orders-b")));
    steps.add(new Step.Drop("Clean up a", "orders-a"));
    steps.add(new Step.Drop("Clean up b", "orders-b"));
    Runbook runbook = new Runbook("paths", "Two ways back", "local", steps, Path.of("paths.yaml"));
    return VirtualTime.run(vts, new DrillRunner(target(), vts, 1.0).run(runbook));
  }

  @Test
  void drill_recoveringOneIncidentTwoWays_reportsBothPathsWithTheSameItems_andTheirReadUnits()
      throws Exception {
    DrillResult result = drill(null);

    assertThat(result.failures()).isEmpty();
    assertThat(result.paths())
        .containsExactly(
            new RecoveryPath(20, "orders-a", "restore", Duration.ZERO, 5, 0, 5, 20.0, 38.0, 0, 2),
            new RecoveryPath(22, "orders-b", "export", Duration.ZERO, 5, 0, 5, 20.0, 20.0, 0, 0));
    assertThat(result.dataLost()).isZero();
    assertThat(result.conflicts()).isEqualTo(10);
    assertThat(DrillReport.markdown(result))
        .contains(
            "## Recovery paths\n\n"
                + "|  | restore (step 20, orders-a) | export (step 22, orders-b) |\n"
                + "|---|---|---|\n"
                + "| Recovery time | 0.00 s | 0.00 s |\n"
                + "| Items restored | 5 | 5 |\n"
                + "| Items deleted | 0 | 0 |\n"
                + "| Conflicts kept | 5 | 5 |\n"
                + "| Read units on the live table | 20.0 | 20.0 |\n"
                + "| Read units in all (recovery tables too) | 38.0 | 20.0 |\n"
                + "| Lost writes (must be 0) | 0 | 0 |\n"
                + "| Recovery tables made | 2 | 0 |\n\n"
                + "## Steps");
    assertThat(DrillReport.html(result))
        .contains(
            "<h2>Recovery paths</h2><table id=\"recovery-paths\"><tr><th></th><th>restore (step"
                + " 20, orders-a)</th><th>export (step 22, orders-b)</th></tr>")
        .contains("<tr><td>Recovery tables made</td><td>2</td><td>0</td></tr></table>");
  }

  @Test
  void drill_overwritingConflictsBothWays_countsTheCustomersEditsAsLostWritesOnEachPath() {
    DrillResult result = drill("overwrite");

    assertThat(result.failures()).isEmpty();
    assertThat(result.paths())
        .extracting(RecoveryPath::source, RecoveryPath::restored, RecoveryPath::lostWrites)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("restore", 10L, 5L),
            org.assertj.core.groups.Tuple.tuple("export", 10L, 5L));
  }

  @Test
  void drill_withOneRollback_showsNoSideBySideTable() {
    DrillResult result =
        new DrillResult(
            new Runbook("one", "One way back", "local", List.of(), Path.of("one.yaml")),
            "the embedded engine",
            1.0,
            START,
            START,
            List.of(),
            Duration.ZERO,
            List.of(new RecoveryPath(1, "a", "export", Duration.ZERO, 1, 0, 0, 1, 1, 0, 0)),
            0,
            0,
            -1,
            List.of(),
            true);

    assertThat(RecoveryPaths.rows(result)).isEmpty();
    assertThat(RecoveryPaths.text(result)).isEmpty();
    assertThat(DrillReport.markdown(result)).doesNotContain("Recovery paths");
    assertThat(RecoveryPaths.json(result)).hasSize(1);
  }
}
