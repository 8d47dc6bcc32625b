package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Worker;
import pitr.local.AdjustableClock;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A run across N workers run in one process ({@code pitr migrate prod NAME --workers N}): each
 * worker its share, concurrently, as one run (one ledger entry whose counts are the sum, one
 * journal, the lock released by the last); a failed worker leaves the others to finish and the run
 * ends FAILED; a resume continues only the unfinished workers.
 */
class InProcessWorkersTest {
  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final MigrationEnvironment env = local.environment(clock);

  @AfterEach
  void stop() {
    local.close();
  }

  private void seed(String table, int n) {
    local.createTable(table, "pk");
    for (int i = 0; i < n; i++) {
      local.put(
          table, Map.of("pk", AttributeValue.fromS("t" + i), "v", AttributeValue.fromN("" + i)));
    }
  }

  /** Marks every item; fails on an item with "poison". Six segments, so three workers share. */
  private MigrationFile marker() {
    String source =
        """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Marks items; fails on poisoned ones. */
        class Marker implements Migration {
          public Set<String> tables() {
            return Set.of("things");
          }

          public Mono<Void> run(MigrationContext c) {
            MigrationTable t = c.table("things");
            return t.forEachItem(
                    ScanOptions.defaults().segments(6).concurrency(1).pageSize(2),
                    i -> i.containsKey("poison")
                        ? Mono.error(new IllegalStateException("poisoned " + i.get("pk").s()))
                        : t.update(i, Update.set("m", AttributeValue.fromS("yes"))))
                .then();
          }
        }
        """;
    return Sources.write(dir, "0001_marker.java", source);
  }

  private RunRequest request(MigrationFile f) {
    return RunRequest.of(f, RunMode.DEV, "ann", "box");
  }

  private Set<String> journaled(RunRecord run) {
    return env.journal(run).map(e -> e.key().get("pk").s()).collect(Collectors.toSet()).block();
  }

  @Test
  void run_acrossThreeWorkersInOneProcess_writesEachItemOnce_countsTheSum_andReleasesTheLock() {
    seed("things", 40);
    MigrationFile f = marker();
    InProcessWorkers workers = new InProcessWorkers(MigrationTestTarget.runner(env, dir));

    WorkersReport report = workers.run(request(f), 3, "mig-1").block();

    assertThat(report.workers())
        .extracting(WorkersReport.Outcome::worker)
        .containsExactly(new Worker(1, 3), new Worker(2, 3), new Worker(3, 3));
    assertThat(report.workers())
        .allSatisfy(o -> assertThat(o.state()).isEqualTo(WorkersReport.State.FINISHED));
    assertThat(report.workers().stream().mapToLong(WorkersReport.Outcome::written).sum())
        .isEqualTo(40);
    assertThat(report.workers()).allSatisfy(o -> assertThat(o.written()).isBetween(1L, 39L));
    assertThat(report.report().status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(report.report().itemsWritten()).isEqualTo(40);
    assertThat(report.report().notes())
        .contains(
            "run mig-1 SUCCEEDED: all 3 workers finished",
            "run mig-1 of 3 workers: read 40, wrote 40 in all (every worker and attempt, as the"
                + " journal counts them)");
    assertThat(env.ledger().runs("0001_marker").collectList().block()).hasSize(1);
    RunRecord run = env.ledger().runs("0001_marker").blockLast();
    assertThat(run.workers()).isEqualTo(3);
    assertThat(run.itemsWritten()).isEqualTo(40);
    assertThat(run.itemsRead()).isEqualTo(40);
    assertThat(env.lock().current().block()).isEmpty();
    assertThat(journaled(run)).isEqualTo(local.items("things", "pk").keySet());
    assertThat(local.items("things", "pk").values())
        .allSatisfy(i -> assertThat(i).containsEntry("m", AttributeValue.fromS("yes")));
  }

  @Test
  void failingWorker_leavesTheOthersToFinish_theRunEndsFailed_andResumeFinishesOnlyItsShare() {
    seed("things", 30);
    local.put(
        "things",
        Map.of("pk", AttributeValue.fromS("t9"), "poison", AttributeValue.fromBool(true)));
    MigrationFile f = marker();
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    InProcessWorkers workers = new InProcessWorkers(runner);

    WorkersReport failed = workers.run(request(f), 3, "mig-2").block();

    assertThat(failed.report().status()).isEqualTo(MigrationState.FAILED);
    assertThat(failed.failed()).hasSize(1);
    Worker bad = failed.failed().get(0);
    assertThat(failed.workers())
        .filteredOn(o -> !o.worker().equals(bad))
        .allSatisfy(o -> assertThat(o.state()).isEqualTo(WorkersReport.State.FINISHED));
    assertThat(failed.workers())
        .filteredOn(o -> o.worker().equals(bad))
        .singleElement()
        .satisfies(o -> assertThat(o.describe()).endsWith("): IllegalStateException: poisoned t9"));
    assertThat(env.lock().current().block()).isEmpty();
    local.put("things", Map.of("pk", AttributeValue.fromS("t9"), "v", AttributeValue.fromN("9")));

    RunRecord toResume = workers.resumable("0001_marker", null).block();
    WorkersReport resumed = workers.resume(request(f), toResume).block();

    assertThat(resumed.report().status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(resumed.workers())
        .allSatisfy(
            o ->
                assertThat(o.state())
                    .isEqualTo(
                        o.worker().equals(bad)
                            ? WorkersReport.State.FINISHED
                            : WorkersReport.State.DONE_BEFORE));
    assertThat(resumed.workers())
        .filteredOn(o -> !o.worker().equals(bad))
        .allSatisfy(
            o ->
                assertThat(o.describe())
                    .isEqualTo(
                        "worker " + o.worker() + ": had finished its share already; skipped"));
    RunRecord done = env.ledger().runs("0001_marker").blockLast();
    assertThat(done.runId()).isEqualTo("mig-2");
    assertThat(done.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(done.itemsWritten()).isEqualTo(30);
    assertThat(local.items("things", "pk").values())
        .allSatisfy(i -> assertThat(i).containsEntry("m", AttributeValue.fromS("yes")));
    assertThat(journaled(done)).isEqualTo(local.items("things", "pk").keySet());
    assertThat(env.journal(done).collectList().block())
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(JournalEntry.State.CONFIRMED));
    assertThat(env.lock().current().block()).isEmpty();
  }

  @Test
  void run_withTheRunIdOfARunOfAnotherWorkerCount_isRefusedAndChangesNothing() {
    seed("things", 10);
    MigrationFile f = marker();
    InProcessWorkers workers = new InProcessWorkers(MigrationTestTarget.runner(env, dir));
    workers.run(request(f), 2, "mig-3").block();
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");

    assertThatThrownBy(() -> workers.run(request(f), 3, "mig-3").block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run mig-3 of 0001_marker runs across 2 workers, not 3; pass --workers 2 to continue"
                + " it, or start a new run with a new --run-id. Nothing was changed.");
    assertThat(local.items("things", "pk")).isEqualTo(before);
    assertThat(env.ledger().runs("0001_marker").collectList().block()).hasSize(1);
  }

  @Test
  void run_acrossWorkersWithTheRunIdOfARunOfOneProcess_isRefusedNamingThePlainResume() {
    seed("things", 10);
    MigrationFile f = marker();
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    String alone = runner.run(request(f)).block().runId();
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");

    assertThatThrownBy(() -> new InProcessWorkers(runner).run(request(f), 3, alone).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run "
                + alone
                + " of 0001_marker ran in one process, not across 3 workers; resume it with 'pitr"
                + " migrate resume 0001_marker' without --workers, or start a new run with a new"
                + " --run-id. Nothing was changed.");
    assertThat(local.items("things", "pk")).isEqualTo(before);
  }

  @Test
  void latestRun_isTheOneThatStartedLast_notTheOneWhoseIdSortsLast() {
    seed("things", 10);
    MigrationFile f = marker();
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    InProcessWorkers workers = new InProcessWorkers(runner);
    workers.run(request(f), 2, "zz-first").block();
    clock.advance(java.time.Duration.ofMinutes(1));
    local.put(
        "things",
        Map.of("pk", AttributeValue.fromS("t3"), "poison", AttributeValue.fromBool(true)));
    assertThatThrownBy(() -> runner.run(request(f)).block()).isInstanceOf(PitrException.class);
    RunRecord later = RunRecord.latest(env.ledger().runs("0001_marker").collectList().block());
    local.put("things", Map.of("pk", AttributeValue.fromS("t3"), "v", AttributeValue.fromN("3")));

    // The generated id of the later run sorts before the name given to the earlier one.
    assertThat(later.runId()).isLessThan("zz-first");
    assertThat(later.status()).isEqualTo(MigrationState.FAILED);
    assertThat(env.ledger().runs("0001_marker").map(RunRecord::runId).collectList().block())
        .containsExactly("zz-first", later.runId());
    assertThat(workers.resumable("0001_marker", null).blockOptional()).isEmpty();
    assertThat(new MigrationOverview(new MigrationCatalog(dir), env.ledger()).list().block())
        .singleElement()
        .satisfies(m -> assertThat(m.latest().runId()).isEqualTo(later.runId()))
        .satisfies(m -> assertThat(m.state()).isEqualTo(MigrationState.FAILED));
    RunReport resumed = runner.run(request(f).withResume(true)).block();
    assertThat(resumed.runId()).isEqualTo(later.runId());
    assertThat(resumed.status()).isEqualTo(MigrationState.SUCCEEDED);
  }

  @Test
  void run_acrossMoreWorkersThanOneProcessRuns_isRefusedBeforeAnythingIsWritten() {
    seed("things", 10);
    MigrationFile f = marker();
    int max = InProcessWorkers.maxWorkers();
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");

    assertThatThrownBy(
            () ->
                new InProcessWorkers(MigrationTestTarget.runner(env, dir))
                    .run(request(f), max + 1, "mig-9")
                    .block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--workers "
                + (max + 1)
                + " is more workers than one process runs: at most "
                + max
                + " here (4 per available processor, at least 16), since each is an instance of"
                + " the migration with its own scans and heartbeats. Pass --workers "
                + max
                + " or fewer, or run the "
                + (max + 1)
                + " workers on AWS Batch, one process each, with --submit batch --job-queue"
                + " QUEUE. Nothing was changed.");
    assertThat(max).isEqualTo(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));
    assertThat(local.items("things", "pk")).isEqualTo(before);
    // Not even the ledger was made.
    assertThat(env.ledger().exists().block()).isFalse();
  }

  @Test
  void resume_ofMoreUnfinishedWorkersThanOneProcessRuns_isRefusedNamingEachWorkersResume() {
    seed("things", 10);
    MigrationFile f = marker();
    int n = InProcessWorkers.maxWorkers() + 1;
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    runner.requestStop();
    // Worker 1 of a run across n workers started on its own and was stopped; none has finished.
    assertThatThrownBy(() -> runner.run(request(f).withWorker(new Worker(1, n), "mig-10")).block())
        .isInstanceOf(PitrException.class);
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");
    InProcessWorkers again = new InProcessWorkers(MigrationTestTarget.runner(env, dir));

    assertThatThrownBy(
            () ->
                again.resume(request(f), again.resumable("0001_marker", "mig-10").block()).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run mig-10 of 0001_marker has "
                + n
                + " unfinished workers of "
                + n
                + ", more than one process runs: at most "
                + (n - 1)
                + " here (4 per available processor, at least 16). Resume each in a process of"
                + " its own with 'pitr migrate resume 0001_marker --run-id mig-10 --worker I/"
                + n
                + "' ('pitr migrate list' shows which are unfinished). Nothing was changed.");
    assertThat(local.items("things", "pk")).isEqualTo(before);
  }

  @Test
  void stop_stopsEveryWorker_andTheRunEndsFailed_toBeResumed() {
    seed("things", 20);
    MigrationFile f = marker();
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    InProcessWorkers workers = new InProcessWorkers(runner);
    runner.requestStop();

    WorkersReport stopped = workers.run(request(f), 2, "mig-4").block();

    assertThat(stopped.stopped()).isTrue();
    assertThat(stopped.workers())
        .allSatisfy(o -> assertThat(o.state()).isEqualTo(WorkersReport.State.STOPPED));
    assertThat(stopped.report().status()).isEqualTo(MigrationState.FAILED);
    assertThat(env.lock().current().block()).isEmpty();

    InProcessWorkers again = new InProcessWorkers(MigrationTestTarget.runner(env, dir));
    WorkersReport resumed =
        again.resume(request(f), again.resumable("0001_marker", "mig-4").block()).block();

    assertThat(resumed.report().status())
        .as(resumed.workers().stream().map(WorkersReport.Outcome::describe).toList().toString())
        .isEqualTo(MigrationState.SUCCEEDED);
    assertThat(env.ledger().runs("0001_marker").blockLast().itemsWritten()).isEqualTo(20);
  }

  @Test
  void resume_ofASucceededRun_isRefused_andOfARunOfOneProcess_isLeftToThePlainResume() {
    seed("things", 10);
    MigrationFile f = marker();
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    InProcessWorkers workers = new InProcessWorkers(runner);
    workers.run(request(f), 2, "mig-5").block();
    RunRecord run = workers.resumable("0001_marker", null).block();

    assertThatThrownBy(() -> workers.resume(request(f), run).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run mig-5 of 0001_marker is SUCCEEDED: it has nothing to resume; start a new run"
                + " with 'pitr migrate dev 0001_marker'");

    clock.advance(java.time.Duration.ofMinutes(1));
    runner.run(request(f)).block();

    assertThat(workers.resumable("0001_marker", null).blockOptional()).isEmpty();
  }
}
