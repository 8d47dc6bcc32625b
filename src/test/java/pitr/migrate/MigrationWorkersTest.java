package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
 * A migration run across N workers ({@code --worker I/N --run-id R}), each worker run in turn in
 * this process against the engine over HTTP: the share each takes, the one lease, the one ledger
 * entry whose counts are the workers' sum, the one journal, the refusals, and a failed worker's
 * resume.
 */
class MigrationWorkersTest {
  private static final String RUN = "mig-1";

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

  private RunRequest worker(MigrationFile f, int i, int n) {
    return RunRequest.of(f, RunMode.DEV, "ann", "box" + i).withWorker(new Worker(i, n), RUN);
  }

  private MigrationFile marker(String table) {
    return Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", table, "m", "yes"));
  }

  @Test
  void
      run_acrossThreeWorkers_endsAsOneRunOfOneWorker_oneLedgerEntry_oneJournal_lockHeldUntilTheLast() {
    seed("things", 40);
    MigrationFile f = marker("things");
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);

    RunReport first = runner.run(worker(f, 1, 3)).block();
    RunReport second = runner.run(worker(f, 2, 3)).block();

    assertThat(first.notes())
        .contains(
            "worker 1/3 finished its share of run mig-1; the run ends when its 2 other"
                + " workers do");
    assertThat(second.notes())
        .contains(
            "worker 2/3 finished its share of run mig-1; the run ends when the other worker"
                + " does");
    assertThat(env.lock().current().block())
        .hasValueSatisfying(h -> assertThat(h.runId()).isEqualTo(RUN));
    assertThat(env.ledger().runs("0001_mark").blockLast().status())
        .isEqualTo(MigrationState.RUNNING);

    RunReport third = runner.run(worker(f, 3, 3)).block();

    assertThat(third.notes()).contains("run mig-1 SUCCEEDED: all 3 workers finished");
    long shares =
        first.tables().get(0).updates()
            + second.tables().get(0).updates()
            + third.tables().get(0).updates();
    assertThat(shares).isEqualTo(40);
    assertThat(first.tables().get(0).updates()).isBetween(1L, 39L);
    assertThat(env.ledger().runs("0001_mark").collectList().block()).hasSize(1);
    RunRecord run = env.ledger().runs("0001_mark").blockLast();
    assertThat(run.runId()).isEqualTo(RUN);
    assertThat(run.workers()).isEqualTo(3);
    assertThat(run.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(run.itemsWritten()).isEqualTo(40);
    assertThat(run.itemsRead()).isEqualTo(40);
    assertThat(env.lock().current().block()).isEmpty();
    Set<String> journaled =
        env.journal(run).map(e -> e.key().get("pk").s()).collect(Collectors.toSet()).block();
    assertThat(journaled).isEqualTo(local.items("things", "pk").keySet());
    assertThat(env.journal(run).collectList().block())
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(JournalEntry.State.CONFIRMED));

    // The same migration by one process over a copy of the table gives the same items.
    seed("copy", 40);
    Sources.write(dir, "0002_mark.java", Sources.setOnEveryItem("Mark2", "copy", "m", "yes"));
    runner
        .run(RunRequest.of(new MigrationCatalog(dir).resolve("0002"), RunMode.DEV, "ann", "box"))
        .block();
    assertThat(local.items("things", "pk")).isEqualTo(local.items("copy", "pk"));
  }

  @Test
  void worker_ofARunOfOneProcess_isRefusedNamingThePlainResume() {
    seed("things", 10);
    MigrationFile f = marker("things");
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    String alone = runner.run(RunRequest.of(f, RunMode.DEV, "ann", "box")).block().runId();
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");

    assertThatThrownBy(
            () ->
                runner
                    .run(
                        RunRequest.of(f, RunMode.DEV, "ann", "box2")
                            .withWorker(new Worker(2, 3), alone))
                    .block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Run "
                + alone
                + " of 0001_mark ran in one process, not across 3 workers; resume it with 'pitr"
                + " migrate resume 0001_mark' without --worker, or start a new run with a new"
                + " --run-id. Nothing was changed.")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
    assertThat(local.items("things", "pk")).isEqualTo(before);
  }

  @Test
  void worker_withAnotherWorkerCountThanItsRun_isRefusedAndChangesNothing() {
    seed("things", 10);
    MigrationFile f = marker("things");
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    runner.run(worker(f, 1, 3)).block();
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");

    assertThatThrownBy(() -> runner.run(worker(f, 2, 4)).block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Run mig-1 of 0001_mark runs across 3 workers, not 4; pass --worker I/3 to continue"
                + " it, or start a new run with a new --run-id. Nothing was changed.")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
    assertThat(local.items("things", "pk")).isEqualTo(before);
  }

  @Test
  void worker_withTheRunIdOfAnotherMigration_isRefusedAndChangesNothing() {
    seed("things", 10);
    MigrationFile f = marker("things");
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    runner.run(worker(f, 1, 2)).block();
    MigrationFile other =
        Sources.write(dir, "0002_other.java", Sources.setOnEveryItem("Other", "things", "o", "x"));
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");

    assertThatThrownBy(() -> runner.run(worker(other, 2, 2)).block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "--run-id mig-1 is a run of migration 0001_mark, not of 0002_other; pass the run id"
                + " of 0002_other's workers, or a new one");
    assertThat(local.items("things", "pk")).isEqualTo(before);
  }

  @Test
  void worker_startedAgainAfterItFinished_hasNothingToDo() {
    seed("things", 10);
    MigrationFile f = marker("things");
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    runner.run(worker(f, 1, 2)).block();

    RunReport again = runner.run(worker(f, 1, 2)).block();

    assertThat(again.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(again.notes())
        .containsExactly("worker 1/2 of run mig-1 had finished its share already; nothing to do");
  }

  @Test
  void anotherRun_isRefusedWhileAnyWorkersLeaseLives_andTakesOverOnlyOnceEveryWorkersLapsed() {
    // (A new run after the dead run is refused once it takes the lock over; --new-run starts it.)
    seed("things", 10);
    MigrationFile f = marker("things");
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    env.ledger().ensureTable().block();
    // Worker 1 of 2 is alive; worker 2 of the same run joins its lease.
    Lease one = env.lock().join(RUN, "0001_mark", RunMode.DEV, "ann", "box1", 2).block();
    clock.advance(Duration.ofSeconds(40));
    Lease two = env.lock().join(RUN, "0001_mark", RunMode.DEV, "ann", "box2", 2).block();
    assertThat(two.fence()).isEqualTo(one.fence());
    clock.advance(Duration.ofSeconds(40));

    // Worker 1's lease lapsed, worker 2's renewal holds the lock for the run.
    assertThatThrownBy(() -> runner.run(RunRequest.of(f, RunMode.DEV, "bob", "box3")).block())
        .isInstanceOf(PitrException.class)
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.REFUSED);

    clock.advance(Duration.ofSeconds(30));
    assertThatThrownBy(() -> runner.run(RunRequest.of(f, RunMode.DEV, "bob", "box3")).block())
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith("Migration 0001_mark has an unfinished run: mig-1, whose process")
        .hasMessageContaining(
            "Continue it with 'pitr migrate resume 0001_mark', with --prod for a prod run, or undo"
                + " it first");
    RunReport after =
        runner.run(RunRequest.of(f, RunMode.DEV, "bob", "box3").withNewRun(true)).block();

    assertThat(after.status()).isEqualTo(MigrationState.SUCCEEDED);
  }

  @Test
  void failedWorker_isResumedAlone_andTheRunCountsEachWriteOnce() {
    seed("things", 30);
    local.put(
        "things",
        Map.of("pk", AttributeValue.fromS("t9"), "poison", AttributeValue.fromBool(true)));
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
                    ScanOptions.defaults().segments(4).concurrency(1).pageSize(2),
                    i -> i.containsKey("poison")
                        ? Mono.error(new IllegalStateException("poisoned " + i.get("pk").s()))
                        : t.update(i, Update.set("m", AttributeValue.fromS("yes"))))
                .then();
          }
        }
        """;
    MigrationFile f = Sources.write(dir, "0001_marker.java", source);
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    Map<Integer, Boolean> failed = new HashMap<>();
    for (int i = 1; i <= 2; i++) {
      try {
        runner.run(worker(f, i, 2)).block();
        failed.put(i, false);
      } catch (PitrException e) {
        failed.put(i, true);
      }
    }
    assertThat(failed.values()).containsExactlyInAnyOrder(true, false);
    int bad = failed.get(1) ? 1 : 2;
    RunRecord afterFailure = env.ledger().runs("0001_marker").blockLast();
    assertThat(afterFailure.status()).isEqualTo(MigrationState.FAILED);
    assertThat(afterFailure.error()).startsWith("worker " + bad + "/2: ");
    assertThat(env.lock().current().block()).isEmpty();
    local.put("things", Map.of("pk", AttributeValue.fromS("t9"), "v", AttributeValue.fromN("9")));

    RunReport resumed = runner.run(worker(f, bad, 2).withResume(true)).block();

    assertThat(resumed.notes()).contains("run mig-1 SUCCEEDED: all 2 workers finished");
    RunRecord done = env.ledger().runs("0001_marker").blockLast();
    assertThat(done.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(done.itemsWritten()).isEqualTo(30);
    assertThat(local.items("things", "pk").values())
        .allSatisfy(i -> assertThat(i).containsEntry("m", AttributeValue.fromS("yes")));
    Set<String> journaled =
        env.journal(done).map(e -> e.key().get("pk").s()).collect(Collectors.toSet()).block();
    assertThat(journaled).isEqualTo(local.items("things", "pk").keySet());
    assertThat(env.lock().current().block()).isEmpty();
  }
}
