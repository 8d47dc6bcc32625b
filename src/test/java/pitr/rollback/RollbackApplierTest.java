package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.rollback.IncidentTimeline.item;
import static pitr.rollback.IncidentTimeline.key;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Checkpoints;
import pitr.copy.FileCheckpoints;
import pitr.copy.PlanProgress;
import reactor.core.scheduler.Schedulers;

/**
 * Applying plans against the embedded engine through the real SDK client: what is written, what is
 * left alone, what a rerun and a resume do, and what is refused before any write.
 */
class RollbackApplierTest {
  @TempDir Path dir;

  private final IncidentTimeline f = new IncidentTimeline();
  private Checkpoints checkpoints;
  private RollbackApplier applier;

  @BeforeEach
  void start() {
    checkpoints = FileCheckpoints.in(dir.resolve("state"));
    applier = new RollbackApplier(f.tables, f.clock, Schedulers.parallel());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private RollbackPlan threeWayPlan() {
    return f.threeWayPlan(dir.resolve("plan"));
  }

  private ApplyRequest request(String runId) {
    return ApplyRequest.of(runId, checkpoints, dir.resolve(runId + "-failures.jsonl"));
  }

  private ApplyResult apply(RollbackPlan plan, ApplyRequest request) {
    return applier.apply(plan, request).block(Duration.ofSeconds(60));
  }

  private static List<String> pks(
      List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> keys) {
    return keys.stream().map(k -> k.get("pk").s()).sorted().toList();
  }

  @Test
  void apply_ofAThreeWayPlan_restoresAndDeletes_leavesTheConflicts_andVerifiesEveryWrite() {
    RollbackPlan plan = threeWayPlan();

    ApplyResult result = apply(plan, request("r1"));

    Map<String, String> expected = new TreeMap<>();
    expected.putAll(
        Map.of("k0", "good", "k1", "good", "k2", "customer", "k3", "good", "k5", "good"));
    expected.putAll(Map.of("n3", "customer", "a1", "customer"));
    assertThat(f.live()).isEqualTo(expected);
    assertThat(result.restored()).isEqualTo(2);
    assertThat(result.deleted()).isEqualTo(1);
    assertThat(result.alreadyApplied()).isZero();
    assertThat(pks(result.conflicts())).containsExactly("k2", "k4", "n3");
    assertThat(result.changedSincePlan()).isEmpty();
    assertThat(result.complete()).isTrue();
    assertThat(result.failureFile()).isNull();
    assertThat(result.wcu()).isEqualTo(3.0);
    assertThat(result.chunks()).isEqualTo(1);
    assertThat(result.chunksSkipped()).isZero();
  }

  /** What an apply reported: items expected and done, and its writes' sums. */
  private static final class Heard implements ApplyProgress {
    final AtomicLong expected = new AtomicLong();
    final AtomicLong done = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final DoubleAdder units = new DoubleAdder();

    @Override
    public void expect(long items) {
      expected.addAndGet(items);
    }

    @Override
    public void done(long items) {
      done.addAndGet(items);
    }

    @Override
    public void wrote(long written, long deleted, long failed, double units) {
      this.written.addAndGet(written);
      this.deleted.addAndGet(deleted);
      this.failed.addAndGet(failed);
      this.units.add(units);
    }
  }

  @Test
  void apply_reportsThePlanItemsItGoesThroughAndWhatItsWritesDid() {
    RollbackPlan plan = threeWayPlan();
    Heard heard = new Heard();

    ApplyResult result =
        new RollbackApplier(f.tables, f.clock, Schedulers.parallel(), () -> false, heard)
            .apply(plan, request("r1").withChunkItems(2), () -> {})
            .block(Duration.ofSeconds(60));

    assertThat(heard.expected.get()).isEqualTo(plan.size()).isGreaterThan(2);
    assertThat(heard.done.get()).isEqualTo(plan.size());
    assertThat(heard.written.get()).isEqualTo(result.restored()).isEqualTo(2);
    assertThat(heard.deleted.get()).isEqualTo(result.deleted()).isEqualTo(1);
    assertThat(heard.failed.get()).isZero();
    assertThat(heard.units.sum()).isEqualTo(result.wcu());
  }

  @Test
  void apply_ofOneWorkersShare_expectsOnlyTheItemsOfItsChunks() {
    RollbackPlan plan = fourRestores();
    Heard heard = new Heard();

    ApplyResult result =
        new RollbackApplier(f.tables, f.clock, Schedulers.parallel(), () -> false, heard)
            .apply(
                plan,
                request("r1").withChunkItems(3).withWorker(new pitr.copy.Worker(2, 2)),
                () -> {})
            .block(Duration.ofSeconds(60));

    // Chunks of three: worker 2 of 2 owns the second chunk, one item.
    assertThat(heard.expected.get()).isEqualTo(1);
    assertThat(heard.done.get()).isEqualTo(1);
    assertThat(heard.written.get()).isEqualTo(result.restored()).isEqualTo(1);
  }

  @Test
  void apply_whenItemsChangedAfterPlanning_leavesThemAsTheyAre_andReportsThemAsConflicts() {
    RollbackPlan plan = threeWayPlan();
    f.put("k1", "late");
    f.put("n1", "late");

    ApplyResult result = apply(plan, request("r1"));

    assertThat(f.live()).containsEntry("k1", "late").containsEntry("n1", "late");
    assertThat(f.live()).containsEntry("k3", "good");
    assertThat(pks(result.changedSincePlan())).containsExactly("k1", "n1");
    assertThat(result.restored()).isEqualTo(1);
    assertThat(result.deleted()).isZero();
    assertThat(result.conflictCount()).isEqualTo(5);
    assertThat(result.complete()).isTrue();
  }

  @Test
  void apply_runAgainAsANewRun_findsEveryWriteDone_andWritesNothing() {
    RollbackPlan plan = threeWayPlan();
    apply(plan, request("r1"));
    Map<String, String> after = f.live();

    ApplyResult again = apply(plan, request("r2"));

    assertThat(f.live()).isEqualTo(after);
    assertThat(again.restored()).isZero();
    assertThat(again.deleted()).isZero();
    assertThat(again.alreadyApplied()).isEqualTo(3);
    assertThat(again.wcu()).isZero();
    assertThat(again.changedSincePlan()).isEmpty();
  }

  /** Four items r0-r3, "bad" live, each to be restored to "good", in chunks of two. */
  private RollbackPlan fourRestores() {
    List<PlanItem> items =
        List.of("r0", "r1", "r2", "r3").stream()
            .map(
                pk -> {
                  f.put(pk, "bad");
                  return new PlanItem(
                      key(pk), Action.RESTORE, item(pk, "good"), item(pk, "bad"), false);
                })
            .toList();
    return RollbackPlan.of("orders", f.t0, null, "table", f.clock.instant(), items);
  }

  /** Run r1 of {@code plan} in chunks of two: an earlier attempt wrote r0 and r1, and died. */
  private void firstChunkDoneByAnEarlierAttempt(RollbackPlan plan) {
    PlanProgress earlier =
        PlanProgress.open(checkpoints, "r1", false, plan.fingerprint(), "orders", 2, 2, f.clock)
            .block();
    f.put("r0", "good");
    f.put("r1", "good");
    earlier.markDone(0).block();
  }

  @Test
  void apply_resumed_skipsTheChunksAnEarlierAttemptFinished_onlyReadingThemBack() {
    RollbackPlan plan = fourRestores();
    firstChunkDoneByAnEarlierAttempt(plan);
    f.put("r1", "customer");

    ApplyResult result = apply(plan, request("r1").resuming(true).withChunkItems(2));

    assertThat(result.chunks()).isEqualTo(2);
    assertThat(result.chunksSkipped()).isEqualTo(1);
    assertThat(result.restored()).isEqualTo(2);
    assertThat(result.alreadyApplied()).isEqualTo(1);
    assertThat(pks(result.changedSincePlan())).containsExactly("r1");
    assertThat(f.live())
        .containsEntry("r0", "good")
        .containsEntry("r1", "customer")
        .containsEntry("r2", "good")
        .containsEntry("r3", "good");
  }

  @Test
  void apply_stoppedAfterItsFirstChunk_settlesThatChunk_endsIncomplete_andAResumeDoesTheRest() {
    RollbackPlan plan = fourRestores();
    AtomicInteger asked = new AtomicInteger();
    // Stopped as the second chunk is about to start.
    RollbackApplier stopping =
        new RollbackApplier(
            f.tables,
            f.clock,
            Schedulers.parallel(),
            () -> asked.incrementAndGet() > 1,
            ApplyProgress.NONE);

    ApplyResult stopped =
        stopping.apply(plan, request("r1").withChunkItems(2)).block(Duration.ofSeconds(60));

    assertThat(stopped.stopped()).isTrue();
    assertThat(stopped.complete()).isFalse();
    assertThat(stopped.runComplete()).isFalse();
    assertThat(stopped.restored()).isEqualTo(2);
    assertThat(f.live()).containsEntry("r0", "good").containsEntry("r1", "good");
    assertThat(f.live()).containsEntry("r2", "bad").containsEntry("r3", "bad");

    ApplyResult resumed = apply(plan, request("r1").resuming(true).withChunkItems(2));

    assertThat(resumed.chunksSkipped()).isEqualTo(1);
    assertThat(resumed.restored()).isEqualTo(2);
    assertThat(resumed.runComplete()).isTrue();
    assertThat(f.live())
        .containsEntry("r0", "good")
        .containsEntry("r1", "good")
        .containsEntry("r2", "good")
        .containsEntry("r3", "good");
  }

  @Test
  void apply_resumedWithAnotherChunkSize_keepsTheChunksItsRunRecorded() {
    RollbackPlan plan = fourRestores();
    firstChunkDoneByAnEarlierAttempt(plan);

    ApplyResult result = apply(plan, request("r1").resuming(true).withChunkItems(3));

    assertThat(result.chunks()).isEqualTo(2);
    assertThat(result.chunksSkipped()).isEqualTo(1);
    assertThat(result.restored()).isEqualTo(2);
    assertThat(result.runComplete()).isTrue();
  }

  @Test
  void apply_resumingARunOfAnotherPlan_isRefusedBeforeAnyWrite() {
    RollbackPlan first = fourRestores();
    PlanProgress.open(checkpoints, "r1", false, first.fingerprint(), "orders", 2, 2, f.clock)
        .block();
    RollbackPlan other =
        RollbackPlan.of(
            "orders",
            f.t0,
            null,
            "table",
            f.clock.instant(),
            List.of(
                new PlanItem(
                    key("r0"), Action.RESTORE, item("r0", "other"), item("r0", "bad"), false)));
    Map<String, String> before = f.live();

    assertThatThrownBy(() -> apply(other, request("r1").resuming(true).withChunkItems(2)))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run r1 applied plan "
                + first.fingerprint()
                + " in chunks of 2 to orders, not this plan; resume it with the plan file it"
                + " started with, or apply this plan without --resume");
    assertThat(f.live()).isEqualTo(before);
  }

  @Test
  void apply_resumingARunThatWasNeverStarted_isRefusedNamingTheStore() {
    RollbackPlan plan = fourRestores();

    assertThatThrownBy(() -> apply(plan, request("r9").resuming(true)))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageStartingWith("No rollback run r9 in ")
        .hasMessageEndingWith("; check the run id, --state-dir or --checkpoint-table");
    assertThat(f.live()).containsEntry("r0", "bad");
  }

  @Test
  void apply_ofAPlanKeyedByAnotherAttribute_isRefusedBeforeAnyWrite() {
    var wrongKey =
        Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("k1"));
    RollbackPlan plan =
        RollbackPlan.of(
            "orders",
            f.t0,
            null,
            "table",
            f.clock.instant(),
            List.of(new PlanItem(wrongKey, Action.DELETE, null, item("k1", "bad"), false)));

    assertThatThrownBy(() -> apply(plan, request("r1")))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Rollback plan for orders has key {\"id\":{\"S\":\"k1\"}}, which is not a key of the"
                + " table (it has no partition key pk); was the table recreated since planning?"
                + " Make a new plan");
    assertThat(f.live()).containsEntry("k1", "bad");
  }

  @Test
  void limiter_ofAnApplyIntoAProvisionedTable_startsAtItsCapacity_orAtTheLowerCap() {
    f.local.createProvisioned("slow", 100, 200);
    var slow = f.tables.gateway().describeTable("slow").block(Duration.ofSeconds(10));
    var onDemand = f.tables.gateway().describeTable("orders").block(Duration.ofSeconds(10));

    var uncapped = RollbackApplier.limiter(request("r1"), slow, Schedulers.parallel());
    assertThat(uncapped.limited()).isTrue();
    assertThat(uncapped.rate()).isBetween(200.0, 210.0);

    ApplyRequest capped = request("r2").withMaxWcu(50);
    assertThat(RollbackApplier.limiter(capped, slow, Schedulers.parallel()).rate())
        .isBetween(50.0, 51.0);
    assertThat(RollbackApplier.limiter(request("r3"), onDemand, Schedulers.parallel()).limited())
        .isFalse();
  }
}
