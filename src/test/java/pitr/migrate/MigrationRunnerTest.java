package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.AdjustableClock;
import pitr.migrate.api.Condition;
import pitr.migrate.api.RunMode;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class MigrationRunnerTest {
  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final MigrationEnvironment env = local.environment(clock);

  @AfterEach
  void stop() {
    local.close();
  }

  private void seedTable(int n) {
    local.createTable("things", "pk");
    for (int i = 0; i < n; i++) {
      local.put(
          "things", Map.of("pk", AttributeValue.fromS("t" + i), "v", AttributeValue.fromN("" + i)));
    }
  }

  private RunRequest request(MigrationFile f) {
    return RunRequest.of(f, RunMode.DEV, "ann", "box1");
  }

  @Test
  void run_updatesEveryItem_recordsTheRun_andJournalsExactlyTheKeysWritten() {
    seedTable(10);
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));

    RunReport report = MigrationTestTarget.runner(env, dir).run(request(f)).block();

    assertThat(report.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(report.tables())
        .containsExactly(new RunReport.TableReport("things", 10, 0, 10, 0, 0, 10.0));
    assertThat(report.journalEntries()).isEqualTo(10);
    Map<String, Map<String, AttributeValue>> items = local.items("things", "pk");
    assertThat(items.values()).allSatisfy(i -> assertThat(i.get("m").s()).isEqualTo("yes"));

    RunRecord run = env.ledger().runs("0001_mark").blockLast();
    assertThat(run.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(run.operator()).isEqualTo("ann");
    assertThat(run.host()).isEqualTo("box1");
    assertThat(run.itemsRead()).isEqualTo(10);
    assertThat(run.itemsWritten()).isEqualTo(10);
    assertThat(run.restorePoint()).isEqualTo(Instant.parse("2026-03-01T09:59:59.999Z"));
    assertThat(run.journalShards()).isEqualTo(16);

    List<JournalEntry> journal = env.journal(run).collectList().block();
    assertThat(journal.stream().map(e -> e.key().get("pk").s()).collect(Collectors.toSet()))
        .isEqualTo(items.keySet());
    assertThat(journal)
        .allSatisfy(
            e -> {
              assertThat(e.runId()).isEqualTo(run.runId());
              assertThat(e.table()).isEqualTo("things");
              assertThat(e.op()).isEqualTo(WriteOp.UPDATE);
              assertThat(e.imageHash()).isEqualTo(ItemHash.of(items.get(e.key().get("pk").s())));
            });
    assertThat(env.lock().current().block()).isEmpty();
  }

  @Test
  void dryRun_writesNothing_notEvenTheLedger_andCountsWhatItWouldWrite() {
    seedTable(7);
    Map<String, Map<String, AttributeValue>> before = local.items("things", "pk");
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));

    RunReport report =
        MigrationTestTarget.runner(env, dir).run(request(f).withDryRun(true).withMaxWcu(2)).block();

    assertThat(local.items("things", "pk")).isEqualTo(before);
    assertThat(local.tableExists("pitr-ledger")).isFalse();
    assertThat(local.tableExists("pitr-journal")).isFalse();
    assertThat(report.dryRun()).isTrue();
    assertThat(report.runId()).isNull();
    assertThat(report.tables())
        .containsExactly(new RunReport.TableReport("things", 7, 0, 7, 0, 0, 7.0));
    assertThat(report.estimatedWcu()).isEqualTo(14.0);
    assertThat(report.estimatedDuration()).isEqualTo(Duration.ofSeconds(7));
    assertThat(report.samples()).hasSize(3);
    RunReport.Sample s = report.samples().get(0);
    assertThat(s.op()).isEqualTo(WriteOp.UPDATE);
    assertThat(s.after())
        .isEqualTo(s.before().replace("}}", "}}").replaceFirst("\\{", "{\"m\":{\"S\":\"yes\"},"));
  }

  @Test
  void dryRun_countsAWriteWhoseConditionWouldFailAsSkipped_andSamplesOnlyTheOthers() {
    seedTable(7);
    MigrationFile f =
        Sources.write(
            dir,
            "0001_mark.java",
            Sources.setOnEveryItem("Mark", "things", "m", "yes")
                .replace(
                    "Update.set(\"m\", AttributeValue.fromS(\"yes\"))",
                    "Update.set(\"m\", AttributeValue.fromS(\"yes\"))"
                        + ".when(Condition.attributeNotExists(\"m\"))"));
    List<Condition> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Holds on every item but t3, as if it had been marked already.
    DryRunConditions check =
        (condition, item) -> {
          asked.add(condition);
          return !item.get("pk").s().equals("t3");
        };

    RunReport report =
        MigrationTestTarget.runner(env.withDryRunConditions(check), dir)
            .run(request(f).withDryRun(true))
            .block();

    assertThat(asked).hasSize(7).allSatisfy(c -> assertThat(c.names()).containsValue("m"));
    assertThat(report.tables())
        .containsExactly(new RunReport.TableReport("things", 7, 0, 6, 0, 1, 6.0));
    assertThat(report.samples()).noneSatisfy(s -> assertThat(s.key()).contains("\"t3\""));
  }

  @Test
  void run_whenAnotherRunHoldsTheLock_refusesNamingTheHolder_andWritesNothing() {
    seedTable(3);
    env.ledger().ensureTable().block();
    env.lock().acquire("20260301T095900Z-aaaaaa", "0009_other", "bob", "box2").block();
    clock.advance(Duration.ofSeconds(20));
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));

    assertThatThrownBy(() -> MigrationTestTarget.runner(env, dir).run(request(f)).block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Another migration run holds the lock in pitr-ledger: run 20260301T095900Z-aaaaaa of"
                + " 0009_other by bob on box2 since 2026-03-01T10:00:00Z (last heartbeat 20s ago,"
                + " lease expires 2026-03-01T10:01:00Z); wait for it to finish, or if that run is"
                + " dead, wait for the lease to expire or run 'pitr migrate unlock'")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.REFUSED);
    assertThat(local.items("things", "pk").values()).noneMatch(i -> i.containsKey("m"));
    assertThat(env.ledger().runs().collectList().block()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(RunMode.class)
  void run_afterAKilledRunsLeaseExpired_marksTheDeadRunFailed_andRefusesANewRunUnlessAsked(
      RunMode mode) {
    seedTable(3);
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));
    env.ledger().ensureTable().block();
    Lease dead = env.lock().acquire("20260301T100000Z-dead00", "0001_mark", "bob", "box2").block();
    RunRecord killed =
        RunRecord.starting(dead.runId(), "0001_mark", "x", mode)
            .by("bob", "box2")
            .startedAt(clock.instant())
            .restorePoint(clock.instant())
            .tables(List.of("things"))
            .fence(dead.fence())
            .journal("pitr-journal", 16)
            .build();
    env.ledger().save(killed, dead).block();
    clock.advance(Duration.ofSeconds(61));
    String resume =
        "'pitr migrate resume 0001_mark" + (mode == RunMode.PROD ? " --prod" : "") + "'";

    // A new run would apply the migration again to what the dead run changed: refused.
    assertThatThrownBy(() -> MigrationTestTarget.runner(env, dir).run(request(f)).block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Migration 0001_mark has an unfinished run: 20260301T100000Z-dead00, whose process"
                + " died (its lease lapsed at 2026-03-01T10:01:00Z). A new run would apply the"
                + " migration again to the items that run changed. Continue it with "
                + resume
                + ", or undo it first with 'pitr migrate rollback 0001_mark'; to start a new run"
                + " anyway, add --new-run. Nothing was written.");
    List<RunRecord> runs = env.ledger().runs("0001_mark").collectList().block();
    assertThat(runs).extracting(RunRecord::status).containsExactly(MigrationState.FAILED);
    assertThat(runs.get(0).error())
        .startsWith("lease expired at 2026-03-01T10:01:00Z")
        .endsWith("; resume it with " + resume + " or roll it back");
    assertThat(local.items("things", "pk").values())
        .allSatisfy(i -> assertThat(i).doesNotContainKey("m"));
    assertThatThrownBy(() -> env.lock().heartbeat(dead).block())
        .hasMessageStartingWith(
            "Run 20260301T100000Z-dead00 lost the migration lock in pitr-ledger (fence 1)");

    RunReport report =
        MigrationTestTarget.runner(env, dir).run(request(f).withNewRun(true)).block();

    assertThat(report.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(env.ledger().runs("0001_mark").collectList().block())
        .extracting(RunRecord::status)
        .containsExactly(MigrationState.FAILED, MigrationState.SUCCEEDED);
  }

  @Test
  void run_afterAFailedRun_isRefused_butADryRunAResumeAndNewRunAreNot() {
    seedTable(3);
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));
    env.ledger().ensureTable().block();
    Lease lease = env.lock().acquire("20260301T100000Z-fail00", "0001_mark", "bob", "box2").block();
    RunRecord failed =
        RunRecord.starting(lease.runId(), "0001_mark", "x", RunMode.DEV)
            .by("bob", "box2")
            .startedAt(clock.instant())
            .restorePoint(clock.instant())
            .tables(List.of("things"))
            .fence(lease.fence())
            .journal("pitr-journal", 16)
            .status(MigrationState.FAILED)
            .finishedAt(clock.instant())
            .error("boom")
            .build();
    env.ledger().save(failed, lease).block();
    env.lock().release(lease).block();
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);

    assertThatThrownBy(() -> runner.run(request(f)).block())
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith(
            "Migration 0001_mark has an unfinished run: 20260301T100000Z-fail00 FAILED (boom), and"
                + " its ledger counts 0 items written. A new run would apply the migration again")
        .hasMessageContaining("Continue it with 'pitr migrate resume 0001_mark'");
    assertThat(runner.run(request(f).withDryRun(true)).block().dryRun()).isTrue();
    assertThat(runner.run(request(f).withNewRun(true)).block().status())
        .isEqualTo(MigrationState.SUCCEEDED);
  }

  @Test
  void lockAcquisition_retriedAfterItsAnswerWasLost_findsTheLockItsOwn() {
    seedTable(3);
    FaultyClient faulty =
        new FaultyClient(local.client, "pitr-ledger", 1, FaultyClient.Fault.DROP_ANSWER);
    MigrationEnvironment flaky = MigrationTestTarget.environment(faulty.client(), clock);
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));

    RunReport report = MigrationTestTarget.runner(flaky, dir).run(request(f)).block();

    assertThat(faulty.struck()).isTrue();
    assertThat(report.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(env.ledger().runs("0001_mark").blockLast().fence()).isEqualTo(1);
    assertThat(env.lock().current().block()).isEmpty();
  }

  @Test
  void twoConcurrentRuns_oneRunsAndTheOtherIsRefused() throws Exception {
    seedTable(4);
    Path release = dir.resolve("release");
    // The first run holds the lock until the test releases it.
    String held =
        Sources.setOnEveryItem("Held", "things", "m", "yes")
            .replace(
                ".then();",
                ".then().delaySubscription(reactor.core.publisher.Mono.fromCallable(() ->"
                    + " java.nio.file.Files.exists(java.nio.file.Path.of(\""
                    + release.toString().replace("\\", "\\\\")
                    + "\"))).filter(b -> b).repeatWhenEmpty(r ->"
                    + " r.delayElements(java.time.Duration.ofMillis(20))));");
    MigrationFile f = Sources.write(dir, "0001_held.java", held);
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);
    runner.check(f);

    var first = runner.run(request(f)).toFuture();
    Mono.defer(
            () ->
                local.tableExists("pitr-ledger")
                    ? env.lock().current()
                    : Mono.just(java.util.Optional.<LockInfo>empty()))
        .filter(java.util.Optional::isPresent)
        .repeatWhenEmpty(r -> r.delayElements(Duration.ofMillis(20)))
        .block(Duration.ofSeconds(60));
    var second = runner.run(request(f).withResume(false)).toFuture();

    assertThatThrownBy(second::join)
        .hasCauseInstanceOf(PitrException.class)
        .hasMessageContaining("Another migration run holds the lock in pitr-ledger: run ");
    java.nio.file.Files.createFile(release);
    assertThat(first.join().status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(env.ledger().runs("0001_held").collectList().block()).hasSize(1);
  }

  @Test
  void resume_continuesAFailedRunFromItsCheckpoints_underTheSameRunId() {
    seedTable(12);
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
                    ScanOptions.defaults().segments(1).concurrency(1).pageSize(2),
                    i -> i.containsKey("poison")
                        ? Mono.error(new IllegalStateException("poisoned " + i.get("pk").s()))
                        : t.update(i, Update.set("m", AttributeValue.fromS("yes"))))
                .then();
          }
        }
        """;
    MigrationFile f = Sources.write(dir, "0001_marker.java", source);
    MigrationRunner runner = MigrationTestTarget.runner(env, dir);

    assertThatThrownBy(() -> runner.run(request(f)).block())
        .isInstanceOf(PitrException.class)
        .hasMessageContaining("failed in run ")
        .hasMessageContaining(
            "IllegalStateException: poisoned t9; its writes so far are journaled");
    RunRecord failed = env.ledger().runs("0001_marker").blockLast();
    assertThat(failed.status()).isEqualTo(MigrationState.FAILED);
    long markedBefore =
        local.items("things", "pk").values().stream().filter(i -> i.containsKey("m")).count();
    local.put("things", Map.of("pk", AttributeValue.fromS("t9"), "v", AttributeValue.fromN("9")));

    RunReport resumed = runner.run(request(f).withResume(true)).block();

    assertThat(resumed.runId()).isEqualTo(failed.runId());
    assertThat(resumed.status()).isEqualTo(MigrationState.SUCCEEDED);
    // The item written before t9 in their page, if any, is skipped: it holds the image written.
    List<String> skipped =
        markedBefore % 2 == 0
            ? List.of()
            : List.of(
                "skipped 1 item whose write had landed before run "
                    + failed.runId()
                    + " was interrupted (the journal holds the image written)");
    assertThat(resumed.notes())
        .containsExactlyElementsOf(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("resumed run " + failed.runId() + " (attempt 2)"),
                    skipped.stream())
                .toList());
    // Pages before the failing one were checkpointed and not read again.
    assertThat(resumed.itemsRead()).isEqualTo(12 - markedBefore + (markedBefore % 2));
    assertThat(local.items("things", "pk").values())
        .allSatisfy(i -> assertThat(i).containsKey("m"));
    RunRecord done = env.ledger().runs("0001_marker").blockLast();
    assertThat(done.attempts()).isEqualTo(2);
    // Each item written once: the page redone does not write its first item again.
    assertThat(done.itemsWritten()).isEqualTo(12);
    Set<String> journaled =
        env.journal(done).map(e -> e.key().get("pk").s()).collect(Collectors.toSet()).block();
    assertThat(journaled).isEqualTo(local.items("things", "pk").keySet());
  }

  @Test
  void resume_withoutAnInterruptedRun_saysHowToStartOne() {
    seedTable(1);
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));

    assertThatThrownBy(
            () -> MigrationTestTarget.runner(env, dir).run(request(f).withResume(true)).block())
        .hasMessage(
            "Migration 0001_mark has no interrupted run to resume; start a new run with 'pitr"
                + " migrate dev 0001_mark'");
  }

  @Test
  void run_whenADeclaredTableIsMissing_refusesBeforeWritingAnything() {
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "nope", "m", "yes"));

    assertThatThrownBy(() -> MigrationTestTarget.runner(env, dir).run(request(f)).block())
        .hasMessage(
            "Table nope declared by migration 0001_mark does not exist in test; create it, check"
                + " --region/--endpoint-url, or in dev seed it with --seed FILE");
    assertThat(local.tableExists("pitr-ledger")).isFalse();
  }
}
