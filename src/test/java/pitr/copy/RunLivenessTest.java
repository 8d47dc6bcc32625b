package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;
import reactor.core.publisher.Mono;

/**
 * Whether a run is alive, from the heartbeats its workers record in the checkpoint stores, and
 * abandoning a dead one, in the state directory and in a checkpoint table on the engine.
 */
class RunLivenessTest {
  private static final Instant START = Instant.parse("2026-11-30T03:00:00Z");
  private static LocalTarget local;

  @TempDir Path state;
  private final AdjustableClock clock = AdjustableClock.startingAt(START);

  @BeforeAll
  static void start() {
    local = new LocalTarget();
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  private FileCheckpoints files() {
    return FileCheckpoints.in(state);
  }

  private CopyRuns runs(Checkpoints store) {
    return CopyRuns.in(List.of(store), clock);
  }

  private static CopyRunRecord run(String id) {
    return CopyRunRecord.opened(id, "orders-rec", "orders", 4, null);
  }

  /** Opens run {@code id} and records a heartbeat of {@code worker} at the clock's now. */
  private void started(Checkpoints store, String id, Worker worker) {
    store.open(run(id)).block();
    store.heartbeat(id, worker, clock.instant(), false).block();
  }

  @Test
  void state_whileTheHeartbeatIsWithinThreeHeartbeatPeriods_isRunningWithItsOwner() {
    started(files(), "r1", Worker.ALL);
    clock.advance(Duration.ofSeconds(89));

    RunStatus s = runs(files()).find("r1").block();

    assertThat(s.state()).isEqualTo(RunState.RUNNING);
    assertThat(s.run().owner()).isEqualTo(RunOwner.current());
    assertThat(s.run().heartbeat()).isEqualTo(START);
    assertThat(s.run().expires()).isEqualTo(START.plusSeconds(90));
    assertThat(s.lastHeartbeat())
        .isEqualTo("last heartbeat at 2026-11-30T03:00:00Z from " + RunOwner.current().describe());
  }

  @Test
  void state_whenTheHeartbeatIsOlderThanItsLease_isDead() {
    started(files(), "r1", Worker.ALL);
    clock.advance(Duration.ofSeconds(90));

    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.DEAD);
  }

  @Test
  void state_whenARenewedHeartbeatFollows_isRunningAgainUntilTheNewLeaseLapses() {
    started(files(), "r1", Worker.ALL);
    clock.advance(Duration.ofSeconds(60));
    files().heartbeat("r1", Worker.ALL, clock.instant(), false).block();
    clock.advance(Duration.ofSeconds(89));

    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.RUNNING);
    clock.advance(Duration.ofSeconds(1));
    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.DEAD);
  }

  @Test
  void state_withOneWorkerDeadAndAnotherRenewing_isRunning() {
    started(files(), "r1", new Worker(1, 2));
    clock.advance(Duration.ofMinutes(10));
    files().heartbeat("r1", new Worker(2, 2), clock.instant(), false).block();

    RunStatus s = runs(files()).find("r1").block();

    assertThat(s.state()).isEqualTo(RunState.RUNNING);
    assertThat(s.run().heartbeat()).isEqualTo(START.plus(Duration.ofMinutes(10)));
  }

  /** A process of this host that has exited: its pid names no live process. */
  private static long exitedPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  /** Rewrites {@code worker}'s lease of run {@code id} as if process {@code pid} had written it. */
  private void ownedBy(String id, Worker worker, long pid) throws Exception {
    Path lease =
        state
            .resolve("runs")
            .resolve(id)
            .resolve("lease-" + worker.index() + "-of-" + worker.count() + ".json");
    ObjectNode n = (ObjectNode) CheckpointFile.read(lease, "test").node();
    n.put("pid", pid);
    CheckpointFile.write(lease, n);
  }

  @Test
  void state_whenItsProcessOnThisHostIsGone_isDeadBeforeItsLeaseLapses() throws Exception {
    started(files(), "r1", Worker.ALL);
    long pid = exitedPid();
    ownedBy("r1", Worker.ALL, pid);
    clock.advance(Duration.ofSeconds(1));

    RunStatus s = runs(files()).find("r1").block();

    assertThat(s.state()).isEqualTo(RunState.DEAD);
    assertThat(s.run().owner().pid()).isEqualTo(pid);
    assertThat(runs(files()).list().collectList().block())
        .extracting(RunStatus::state)
        .containsExactly(RunState.DEAD);
    RunOverview o = runs(files()).overview("r1", ids -> Mono.just(Map.of())).block();
    assertThat(o.workers())
        .extracting(RunOverview.WorkerRow::state)
        .containsExactly(RunOverview.WorkerState.FAILED);
    // Dead, so it is abandoned without --force.
    assertThat(runs(files()).abandon("r1", false).block().state()).isEqualTo(RunState.ABANDONED);
  }

  @Test
  void state_whenTheLatestHeartbeatsProcessIsGoneButAnotherWorkerRenews_isRunning()
      throws Exception {
    started(files(), "r1", new Worker(1, 2));
    clock.advance(Duration.ofSeconds(10));
    files().heartbeat("r1", new Worker(2, 2), clock.instant(), false).block();
    ownedBy("r1", new Worker(2, 2), exitedPid());

    RunStatus s = runs(files()).find("r1").block();

    assertThat(s.run().heartbeat()).isEqualTo(START.plusSeconds(10));
    assertThat(s.state()).isEqualTo(RunState.RUNNING);
    assertThatThrownBy(() -> runs(files()).abandon("r1", false).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED));
  }

  @Test
  void state_ofAnotherHostsProcess_isRunningUntilItsLeaseLapses() throws Exception {
    started(files(), "r1", Worker.ALL);
    Path lease = state.resolve("runs").resolve("r1").resolve("lease-1-of-1.json");
    ObjectNode n = (ObjectNode) CheckpointFile.read(lease, "test").node();
    n.put("host", "ip-10-0-1-7").put("pid", exitedPid());
    CheckpointFile.write(lease, n);
    clock.advance(Duration.ofSeconds(89));

    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.RUNNING);
    clock.advance(Duration.ofSeconds(1));
    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.DEAD);
  }

  @Test
  void state_whenAWorkerFinishedAndTheOtherStoppedRenewing_isDeadWithTheUnfinishedOnesHeartbeat() {
    started(files(), "r1", new Worker(1, 2));
    clock.advance(Duration.ofMinutes(1));
    files().heartbeat("r1", new Worker(2, 2), clock.instant(), true).block();
    clock.advance(Duration.ofMinutes(1));

    RunStatus s = runs(files()).find("r1").block();

    assertThat(s.state()).isEqualTo(RunState.DEAD);
    assertThat(s.run().heartbeat()).isEqualTo(START);
  }

  @Test
  void state_whenEveryWorkerFinished_isFinishedLongAfter() {
    started(files(), "r1", Worker.ALL);
    files().heartbeat("r1", Worker.ALL, clock.instant(), true).block();
    clock.advance(Duration.ofDays(1));

    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.FINISHED);
  }

  @Test
  void state_ofARunWithoutAHeartbeat_isPending() {
    files().open(run("r1")).block();

    RunStatus s = runs(files()).find("r1").block();

    assertThat(s.state()).isEqualTo(RunState.PENDING);
    assertThat(s.lastHeartbeat()).isEqualTo("no heartbeat recorded");
  }

  @Test
  void abandon_ofADeadRun_marksItAbandonedAndOpenRefusesToContinueIt() {
    started(files(), "r1", Worker.ALL);
    clock.advance(Duration.ofMinutes(5));

    RunStatus after = runs(files()).abandon("r1", false).block();

    assertThat(after.state()).isEqualTo(RunState.ABANDONED);
    assertThat(after.run().abandoned())
        .isEqualTo(new CopyRunRecord.Abandoned(clock.instant(), RunOwner.current()));
    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.ABANDONED);
    assertThatThrownBy(() -> files().open(run("r1")).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "Run r1 in "
                + files().describe()
                + " was abandoned at 2026-11-30T03:05:00Z by "
                + RunOwner.current().describe()
                + ", so it cannot be resumed; start a new run with pitr copy-back --from"
                + " orders-rec --to orders (rewriting items already copied is harmless)");
  }

  @Test
  void abandon_ofARunningRun_isRefusedNamingItsOwnerAndChangesNothing() {
    started(files(), "r1", Worker.ALL);
    clock.advance(Duration.ofSeconds(30));

    assertThatThrownBy(() -> runs(files()).abandon("r1", false).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "Run r1 is running: last heartbeat at 2026-11-30T03:00:00Z from "
                + RunOwner.current().describe()
                + ", lease until 2026-11-30T03:01:30Z; stop that process first (the run is"
                + " reported dead once its lease lapses, at once when it ran on this host), or pass --force if you are sure it is"
                + " gone");
    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.RUNNING);
  }

  @Test
  void abandon_ofARunningRunWhenForced_marksItAbandoned() {
    started(files(), "r1", Worker.ALL);

    assertThat(runs(files()).abandon("r1", true).block().state()).isEqualTo(RunState.ABANDONED);
  }

  @Test
  void abandon_ofAFinishedRun_leavesItFinished() {
    started(files(), "r1", Worker.ALL);
    files().heartbeat("r1", Worker.ALL, clock.instant(), true).block();

    assertThat(runs(files()).abandon("r1", false).block().state()).isEqualTo(RunState.FINISHED);
    assertThat(files().open(run("r1")).block().abandoned()).isNull();
  }

  @Test
  void find_ofAnUnknownOrInvalidRunId_isAUsageErrorNamingTheStore() {
    assertThatThrownBy(() -> runs(files()).find("nope").block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "No run nope in "
                + files().describe()
                + "; see pitr runs list, and check --state-dir or --checkpoint-table");
    assertThatThrownBy(() -> runs(files()).find("../x").block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "'../x' is not a run id; pass one of the ids pitr runs list shows, e.g. 7f3a9c01");
  }

  @Test
  void list_ofTwoStores_listsTheRunsOfEachWithTheirState() {
    TableCheckpoints table = TableCheckpoints.in(local.gateway(), "liveness-list");
    started(files(), "f1", Worker.ALL);
    clock.advance(Duration.ofMinutes(2));
    started(table, "t1", Worker.ALL);

    List<RunStatus> all = CopyRuns.in(List.of(files(), table), clock).list().collectList().block();

    assertThat(all)
        .extracting(RunStatus::runId, RunStatus::state, RunStatus::store)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("f1", RunState.DEAD, files().describe()),
            org.assertj.core.groups.Tuple.tuple("t1", RunState.RUNNING, "table liveness-list"));
  }

  @Test
  void abandon_inACheckpointTable_recordsItAndOpenRefusesToContinueTheRun() {
    TableCheckpoints table = TableCheckpoints.in(local.gateway(), "liveness-abandon");
    started(table, "t1", Worker.ALL);
    assertThat(runs(table).find("t1").block().run().owner()).isEqualTo(RunOwner.current());
    clock.advance(Duration.ofMinutes(5));
    assertThat(runs(table).find("t1").block().state()).isEqualTo(RunState.DEAD);

    runs(table).abandon("t1", false).block();

    assertThat(runs(table).find("t1").block().run().abandoned())
        .isEqualTo(new CopyRunRecord.Abandoned(clock.instant(), RunOwner.current()));
    assertThatThrownBy(() -> table.open(run("t1")).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessageStartingWith("Run t1 in table liveness-abandon was abandoned at");
  }

  @Test
  void planProgress_ofAnAbandonedRollbackRun_refusesToResumeIt() {
    PlanProgress.open(files(), "p1", false, "3f2a", "orders", 100, 2, clock).block();
    clock.advance(Duration.ofMinutes(5));
    RunStatus abandoned = runs(files()).abandon("p1", false).block();
    assertThat(abandoned.run().kind()).isEqualTo("rollback");

    assertThatThrownBy(
            () -> PlanProgress.open(files(), "p1", true, "3f2a", "orders", 100, 2, clock).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessageEndingWith(
            "so it cannot be resumed; apply the plan again without --resume (items already"
                + " restored are recognised)");
  }

  @Test
  void heartbeatEvery_isThirtySecondsUnlessTheHiddenPropertySaysOtherwise() {
    assertThat(RunLease.heartbeatEvery()).isEqualTo(Duration.ofSeconds(30));
    System.setProperty(RunLease.PROPERTY, "1s");
    try {
      assertThat(RunLease.heartbeatEvery()).isEqualTo(Duration.ofSeconds(1));
      assertThat(RunLease.expiry(START)).isEqualTo(START.plusSeconds(3));
      System.setProperty(RunLease.PROPERTY, "soon");
      assertThatThrownBy(RunLease::heartbeatEvery)
          .hasMessage(
              "-Dpitr.heartbeat=soon is not a positive duration; pass e.g. 30s or unset it");
    } finally {
      System.clearProperty(RunLease.PROPERTY);
    }
  }

  @Test
  void state_ofARunWhoseOnlyStartedWorkerFinished_isPendingUntilTheOthersStart() {
    files().open(run("r1")).block();
    files().heartbeat("r1", new Worker(1, 2), clock.instant(), true).block();
    clock.advance(Duration.ofMinutes(5));

    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.PENDING);

    files().heartbeat("r1", new Worker(2, 2), clock.instant(), false).block();
    clock.advance(Duration.ofMinutes(5));

    assertThat(runs(files()).find("r1").block().state()).isEqualTo(RunState.DEAD);
  }

  @Test
  void aRunSubmittedWhoseWorkersHaveNotStarted_isFoundPending_andAbandonSaysToCancelTheJob() {
    RunJob job =
        new RunJob(
            "job-9",
            "q",
            2,
            clock.instant(),
            List.of("copy-back", "--from", "a", "--to", "b", "--worker", "auto/2"));
    files().saveJob("s1", job).block();

    RunStatus s = runs(files()).find("s1").block();

    assertThat(s.state()).isEqualTo(RunState.PENDING);
    assertThat(RunsCopies.of(s)).isEqualTo("a -> b");
    assertThatThrownBy(() -> runs(files()).abandon("s1", false).block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Run s1 has not started: AWS Batch job job-9 (queue q) has yet to start its workers,"
                + " so there is nothing to abandon; to stop it, cancel the job with 'aws batch"
                + " terminate-job --job-id job-9 --reason abandoned'")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.REFUSED);
  }

  /** What a run copies, as {@code runs show} prints it. */
  private static final class RunsCopies {
    static String of(RunStatus s) {
      return s.run().source() + " -> " + s.run().target();
    }
  }
}
