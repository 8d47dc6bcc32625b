package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.rollback.IncidentTimeline.item;
import static pitr.rollback.IncidentTimeline.key;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Checkpoints;
import pitr.copy.FileCheckpoints;
import pitr.copy.RunState;
import pitr.copy.Worker;
import pitr.copy.WorkerLease;
import reactor.core.scheduler.Schedulers;

/**
 * Applying one plan across several workers sharing a run id, against the embedded engine through
 * the real SDK client: each worker applies every N-th chunk, a resume of one worker resumes only
 * its share, and the run is complete only when every chunk is.
 */
class RollbackApplierWorkersTest {
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

  /** Six items r0-r5, "bad" live, each to be restored to "good": six chunks of one. */
  private RollbackPlan sixRestores() {
    List<PlanItem> items =
        IntStream.range(0, 6)
            .mapToObj(
                i -> {
                  String pk = "r" + i;
                  f.put(pk, "bad");
                  return new PlanItem(
                      key(pk), Action.RESTORE, item(pk, "good"), item(pk, "bad"), false);
                })
            .toList();
    return RollbackPlan.of("orders", f.t0, null, "table", f.clock.instant(), items);
  }

  private ApplyResult apply(RollbackPlan plan, String runId, Worker worker, boolean resume) {
    ApplyRequest request =
        ApplyRequest.of(runId, checkpoints, dir.resolve(runId + "-" + worker.index() + ".jsonl"))
            .withChunkItems(1)
            .withWorker(worker)
            .resuming(resume);
    return applier.apply(plan, request).block(Duration.ofSeconds(60));
  }

  @Test
  void apply_ofOneWorkerOfThree_writesOnlyEveryThirdChunk_andTheRunIsNotComplete() {
    RollbackPlan plan = sixRestores();

    ApplyResult result = apply(plan, "w1", new Worker(2, 3), false);

    assertThat(f.live())
        .containsEntry("r0", "bad")
        .containsEntry("r1", "good")
        .containsEntry("r2", "bad")
        .containsEntry("r3", "bad")
        .containsEntry("r4", "good")
        .containsEntry("r5", "bad");
    assertThat(result.restored()).isEqualTo(2);
    assertThat(result.workerChunks()).isEqualTo(2);
    assertThat(result.chunks()).isEqualTo(6);
    assertThat(result.runChunksDone()).isEqualTo(2);
    assertThat(result.complete()).isTrue();
    assertThat(result.runComplete()).isFalse();
    assertThat(PlanText.result(result))
        .contains(
            "Worker 2/3 of run w1 applied its share (2 of 6 chunks); the run has 2 of 6 chunks"
                + " done (the other workers' shares remain: pitr runs show w1)");
  }

  @Test
  void apply_acrossThreeWorkers_endsAsOneWorkerDoes_andOnlyTheLastCompletesTheRun() {
    RollbackPlan plan = sixRestores();

    ApplyResult first = apply(plan, "w1", new Worker(1, 3), false);
    ApplyResult second = apply(plan, "w1", new Worker(3, 3), false);
    ApplyResult last = apply(plan, "w1", new Worker(2, 3), false);

    assertThat(f.live())
        .containsAllEntriesOf(
            Map.of(
                "r0", "good", "r1", "good", "r2", "good", "r3", "good", "r4", "good", "r5",
                "good"));
    assertThat(List.of(first.runComplete(), second.runComplete(), last.runComplete()))
        .containsExactly(false, false, true);
    assertThat(first.restored() + second.restored() + last.restored()).isEqualTo(6);
    List<WorkerLease> leases = checkpoints.leases("w1").block();
    assertThat(leases).extracting(l -> l.worker().toString()).containsExactly("1/3", "2/3", "3/3");
    assertThat(leases).allSatisfy(l -> assertThat(l.finished()).isTrue());
    assertThat(leases).allSatisfy(l -> assertThat(l.progress().items()).isEqualTo(2));
    assertThat(leases).allSatisfy(l -> assertThat(l.progress().wcu()).isEqualTo(2.0));
  }

  @Test
  void resume_ofOneWorker_resumesOnlyItsShare() {
    RollbackPlan plan = sixRestores();
    apply(plan, "w1", new Worker(1, 3), false);
    // Worker 2 of 3 died before writing anything, its lease lapsed.
    checkpoints.heartbeat("w1", new Worker(2, 3), f.clock.instant(), false).block();

    ApplyResult resumed = apply(plan, "w1", new Worker(2, 3), true);

    assertThat(resumed.restored()).isEqualTo(2);
    assertThat(f.live())
        .containsEntry("r1", "good")
        .containsEntry("r4", "good")
        .containsEntry("r2", "bad")
        .containsEntry("r5", "bad");
    assertThat(resumed.runChunksDone()).isEqualTo(4);
    assertThat(checkpoints.leases("w1").block())
        .extracting(l -> l.worker() + " " + l.state(f.clock.instant()))
        .containsExactly("1/3 " + RunState.FINISHED, "2/3 " + RunState.FINISHED);
  }

  @Test
  void apply_asAWorkerOfAnotherCount_isRefusedBeforeAnyWrite() {
    RollbackPlan plan = sixRestores();
    apply(plan, "w1", new Worker(1, 3), false);
    Map<String, String> before = f.live();

    assertThatThrownBy(() -> apply(plan, "w1", new Worker(2, 4), false))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run w1 is applied by 3 workers (worker 1/3 reported), not 4; join or resume it with"
                + " --worker I/3. Nothing was written");
    assertThat(f.live()).isEqualTo(before);
    assertThat(checkpoints.leases("w1").block()).hasSize(1);
  }

  @Test
  void apply_asAWorkerOfARunOfAnotherPlan_isRefusedBeforeAnyWrite() {
    RollbackPlan plan = sixRestores();
    apply(plan, "w1", new Worker(1, 3), false);
    RollbackPlan other =
        RollbackPlan.of(
            "orders",
            f.t0,
            null,
            "table",
            f.clock.instant(),
            List.of(
                new PlanItem(
                    key("r1"), Action.RESTORE, item("r1", "other"), item("r1", "bad"), false)));
    Map<String, String> before = f.live();

    assertThatThrownBy(() -> apply(other, "w1", new Worker(2, 3), false))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageStartingWith("Run w1 applied plan " + plan.fingerprint());
    assertThat(f.live()).isEqualTo(before);
  }

  @Test
  void apply_whenItsRunIsAbandonedWhileItWorks_startsNoNewChunk_andSaysByWhom() throws Exception {
    List<PlanItem> items =
        IntStream.range(0, 40)
            .mapToObj(
                i -> {
                  String pk = "a" + i;
                  f.put(pk, "bad");
                  return new PlanItem(
                      key(pk), Action.RESTORE, item(pk, "good"), item(pk, "bad"), false);
                })
            .toList();
    RollbackPlan plan = RollbackPlan.of("orders", f.t0, null, "table", f.clock.instant(), items);
    // Forty one-unit writes at 4 WCU/s take ten seconds; a heartbeat every 100 ms.
    ApplyRequest request =
        ApplyRequest.of("a1", checkpoints, dir.resolve("a1.jsonl")).withChunkItems(1).withMaxWcu(4);
    System.setProperty("pitr.heartbeat", "100ms");
    try {
      var running = applier.apply(plan, request).toFuture();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (checkpoints.positions("a1").block().isEmpty()) {
        assertThat(System.nanoTime()).as("a chunk done within 30 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      pitr.copy.CopyRuns.in(List.of(checkpoints), f.clock).abandon("a1", true).block();

      ApplyResult result = running.get(30, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(result.stopped()).isTrue();
      assertThat(result.complete()).isFalse();
      assertThat(result.abandoned()).isNotNull();
      assertThat(result.restored()).isPositive().isLessThan(40);
    } finally {
      System.clearProperty("pitr.heartbeat");
    }
  }
}
