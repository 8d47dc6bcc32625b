package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.PitrException;
import pitr.local.AdjustableClock;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A migration that is not idempotent ({@code hits = hits + 1}, no condition) still counts every
 * item once across crashes: a resumed run skips the items of the page in progress whose live image
 * is the one the journal says the run meant to write, and the ledger counts confirmed writes.
 */
class ExactlyOnceResumeTest {
  private static final int ITEMS = 300;

  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final MigrationEnvironment env = local.environment(clock);

  @AfterEach
  void stop() {
    local.close();
  }

  private void seed() {
    local.createTable("counters", "pk");
    for (int i = 0; i < ITEMS; i++) {
      local.put(
          "counters",
          Map.of(
              "pk", AttributeValue.fromS(String.format("c%03d", i)),
              "hits", AttributeValue.fromN("0")));
    }
  }

  /** {@code hits = hits + 1} on every item: two segments, pages of 40, eight writes at once. */
  private static final String ADD_ONE =
      "t.forEachItem(ScanOptions.defaults().segments(2).pageSize(40).concurrency(8),"
          + " i -> %s t.update(i, Update.set(\"hits\", AttributeValue.fromN(Long.toString("
          + "Long.parseLong(i.get(\"hits\").n()) + 1)))))";

  private MigrationFile counting(String body) {
    return Sources.write(
        dir,
        "0001_count_hit.java",
        """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Counts one more hit on every item: not idempotent on purpose. */
        class CountHit implements Migration {
          public Set<String> tables() {
            return Set.of("counters");
          }

          public Mono<Void> run(MigrationContext c) {
            MigrationTable t = c.table("counters");
            return %s;
          }
        }
        """
            .formatted(body));
  }

  private MigrationFile addOne() {
    return counting(ADD_ONE.formatted("") + ".then()");
  }

  private RunRequest request(MigrationFile f) {
    return RunRequest.of(f, RunMode.DEV, "ann", "box1");
  }

  private RunRecord lastRun() {
    return env.ledger().runs("0001_count_hit").blockLast();
  }

  private Map<String, Long> hits() {
    Map<String, Long> out = new java.util.TreeMap<>();
    local.items("counters", "pk").forEach((k, v) -> out.put(k, Long.parseLong(v.get("hits").n())));
    return out;
  }

  private Map<String, JournalEntry> journal(RunRecord run) {
    List<JournalEntry> entries = env.journal(run).collectList().block();
    Map<String, JournalEntry> byKey =
        entries.stream().collect(Collectors.toMap(e -> e.key().get("pk").s(), e -> e));
    assertThat(byKey).as("one entry per key").hasSize(entries.size());
    return byKey;
  }

  private Set<String> changed() {
    return hits().entrySet().stream()
        .filter(e -> e.getValue() != 0)
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Runs {@code f} over a client that fails at the {@code n}th write to counters. */
  private FaultyClient crash(MigrationFile f, FaultyClient.Fault fault, int n) {
    FaultyClient faulty = new FaultyClient(local.client, "counters", n, fault);
    MigrationEnvironment crashing = MigrationTestTarget.environment(faulty.client(), clock);

    assertThatThrownBy(
            () ->
                MigrationTestTarget.runner(crashing, dir)
                    .run(request(f).withResume(resuming()))
                    .block())
        .isInstanceOf(Exception.class);
    assertThat(faulty.struck()).isTrue();
    return faulty;
  }

  private boolean resuming() {
    RunRecord last = lastRun();
    return last != null && last.status() != MigrationState.SUCCEEDED;
  }

  private RunReport resume(MigrationFile f) {
    // An operator comes back after the dead run's lease ran out.
    clock.advance(Duration.ofSeconds(61));
    return MigrationTestTarget.runner(env, dir).run(request(f).withResume(true)).block();
  }

  private void assertEveryItemCountedOnce_andTheLedgerAndJournalAgree(int passes) {
    assertThat(hits().values()).hasSize(ITEMS).allSatisfy(h -> assertThat(h).isEqualTo(passes));
    RunRecord done = lastRun();
    assertThat(done.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertThat(done.itemsWritten()).isEqualTo((long) ITEMS * passes);
    Map<String, JournalEntry> journal = journal(done);
    assertThat(journal).hasSize(ITEMS);
    Map<String, Map<String, AttributeValue>> live = local.items("counters", "pk");
    assertThat(journal.values())
        .allSatisfy(
            e -> {
              assertThat(e.state()).isEqualTo(JournalEntry.State.CONFIRMED);
              assertThat(e.imageHash()).isEqualTo(ItemHash.of(live.get(e.key().get("pk").s())));
            });
  }

  @Test
  void resume_afterAKillOnceAWriteLanded_skipsTheWritesThatLanded_soEveryItemIsCountedOnce() {
    seed();
    MigrationFile f = addOne();
    crash(f, FaultyClient.Fault.KILL_AFTER_WRITE, 130);
    assertThat(lastRun().status()).isEqualTo(MigrationState.RUNNING);
    int landed = changed().size();
    assertThat(landed).isBetween(130, ITEMS - 1);

    RunReport resumed = resume(f);

    assertThat(resumed.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertEveryItemCountedOnce_andTheLedgerAndJournalAgree(1);
    assertThat(resumed.notes())
        .anySatisfy(n -> assertThat(n).matches("skipped \\d+ items? whose write had landed .*"));
  }

  @Test
  void
      stop_afterAWriteLanded_seesTheWritesInFlightThrough_recordsAFailedRun_andAResumeCountsOnce() {
    seed();
    MigrationFile f = addOne();
    java.util.concurrent.atomic.AtomicReference<MigrationRunner> runner =
        new java.util.concurrent.atomic.AtomicReference<>();
    // Ctrl-C once the 100th write was answered, with others still in flight.
    FaultyClient stopping =
        new FaultyClient(
            local.client,
            "counters",
            100,
            FaultyClient.Fault.ANSWER_THEN_STRIKE,
            () -> runner.get().requestStop());
    runner.set(
        MigrationTestTarget.runner(MigrationTestTarget.environment(stopping.client(), clock), dir));

    assertThatThrownBy(() -> runner.get().run(request(f)).block())
        .isInstanceOfSatisfying(
            pitr.PitrException.class,
            e -> assertThat(e.code()).isEqualTo(pitr.ErrorCode.INTERRUPTED))
        .hasMessageContaining("was stopped in run")
        .hasMessageContaining("seen through and journaled");

    RunRecord stopped = lastRun();
    assertThat(stopped.status()).isEqualTo(MigrationState.FAILED);
    int landed = changed().size();
    assertThat(landed).isBetween(100, ITEMS - 1);
    // Every write that landed, in flight at the stop included, is counted.
    assertThat(stopped.itemsWritten()).isEqualTo(landed);

    RunReport resumed = resume(f);

    assertThat(resumed.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertEveryItemCountedOnce_andTheLedgerAndJournalAgree(1);
  }

  @Test
  void resume_afterAKillJustBeforeAWrite_writesThatItemOnce() {
    seed();
    MigrationFile f = addOne();
    crash(f, FaultyClient.Fault.KILL_BEFORE_WRITE, 75);

    resume(f);

    assertEveryItemCountedOnce_andTheLedgerAndJournalAgree(1);
  }

  @Test
  void resume_ofARunWhoseJournalWasWrittenBeforeEntriesWerePacked_countsEveryItemOnce() {
    seed();
    MigrationFile f = addOne();
    crash(f, FaultyClient.Fault.KILL_AFTER_WRITE, 130);
    assertThat(UnpackedJournal.unpack(local, env.journalTable())).isPositive();

    RunReport resumed = resume(f);

    assertThat(resumed.status()).isEqualTo(MigrationState.SUCCEEDED);
    assertEveryItemCountedOnce_andTheLedgerAndJournalAgree(1);
  }

  @Test
  void resume_afterAWriteWhoseAnswerWasLost_skipsThatItem() {
    seed();
    MigrationFile f = addOne();
    crash(f, FaultyClient.Fault.LOSE_ANSWER, 90);
    RunRecord failed = lastRun();
    assertThat(failed.status()).isEqualTo(MigrationState.FAILED);
    // The write whose answer was lost landed, but the run never confirmed it: not counted yet.
    assertThat(failed.itemsWritten()).isEqualTo(changed().size() - 1);

    resume(f);

    assertEveryItemCountedOnce_andTheLedgerAndJournalAgree(1);
  }

  @Test
  void resume_killedAgainWhileResuming_stillCountsEveryItemOnce() {
    seed();
    MigrationFile f = addOne();
    crash(f, FaultyClient.Fault.KILL_AFTER_WRITE, 100);
    clock.advance(Duration.ofSeconds(61));
    crash(f, FaultyClient.Fault.KILL_AFTER_WRITE, 60);

    resume(f);

    assertEveryItemCountedOnce_andTheLedgerAndJournalAgree(1);
  }

  @Test
  void resume_afterAKillWhileDeleting_countsTheDeletesThatLandedOnce() {
    seed();
    MigrationFile f =
        counting(
            "t.forEachItem(ScanOptions.defaults().segments(2).pageSize(40).concurrency(8),"
                + " i -> t.delete(i)).then()");
    crash(f, FaultyClient.Fault.KILL_AFTER_WRITE, 130);
    assertThat(hits()).hasSizeBetween(1, ITEMS - 130);

    RunReport resumed = resume(f);

    assertThat(hits()).isEmpty();
    // The deletes that landed unconfirmed are not seen again by the scan: they are counted once.
    assertThat(lastRun().itemsWritten()).isEqualTo(ITEMS);
    assertThat(journal(lastRun()).values())
        .hasSize(ITEMS)
        .allSatisfy(
            e -> {
              assertThat(e.op()).isEqualTo(WriteOp.DELETE);
              assertThat(e.state()).isEqualTo(JournalEntry.State.CONFIRMED);
            });
    assertThat(resumed.status()).isEqualTo(MigrationState.SUCCEEDED);
  }

  @Test
  void resume_inASecondPass_doesNotTakeTheFirstPassesWritesForItsOwn() {
    seed();
    // Two passes over the table, one after the other: every item ends with hits = 2.
    MigrationFile f =
        counting(ADD_ONE.formatted("") + ".then(" + ADD_ONE.formatted("") + ").then()");
    crash(f, FaultyClient.Fault.KILL_AFTER_WRITE, ITEMS + 70);

    resume(f);

    assertThat(hits().values()).allSatisfy(h -> assertThat(h).isEqualTo(2));
    assertThat(lastRun().itemsWritten()).isEqualTo(2L * ITEMS);
  }

  @Test
  void resume_ofAnItemSomeoneElseChangedSinceTheRunWroteIt_appliesTheMigrationAgain() {
    seed();
    MigrationFile f = addOne();
    crash(f, FaultyClient.Fault.KILL_AFTER_WRITE, 130);
    Map<String, Map<String, AttributeValue>> now = local.items("counters", "pk");
    // An item of a page in progress, whose write landed but was never confirmed.
    Map<String, JournalEntry> journal = journal(lastRun());
    String touched =
        journal.values().stream()
            .filter(e -> e.state() == JournalEntry.State.INTENDED)
            .map(e -> e.key().get("pk").s())
            .filter(k -> now.get(k).get("hits").n().equals("1"))
            .findFirst()
            .orElseThrow();
    Map<String, AttributeValue> changedByOthers = new HashMap<>(now.get(touched));
    changedByOthers.put("note", AttributeValue.fromS("edited by hand"));
    local.put("counters", changedByOthers);

    resume(f);

    // Its image is no longer the one the run wrote, so the run cannot tell it wrote it.
    assertThat(hits().get(touched)).isEqualTo(2);
    assertThat(hits().entrySet())
        .filteredOn(e -> !e.getKey().equals(touched))
        .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1));
  }

  @Test
  void failedRun_countsExactlyTheWritesThatLanded_asTheJournalHoldsThem() {
    seed();
    // Throws at item c150 while up to sixteen writes per segment are in flight.
    MigrationFile f =
        counting(
            ADD_ONE
                    .replace("concurrency(8)", "concurrency(16)")
                    .formatted(
                        "i.get(\"pk\").s().equals(\"c150\") ? Mono.error(new"
                            + " IllegalStateException(\"bad item c150\")) :")
                + ".then()");

    assertThatThrownBy(() -> MigrationTestTarget.runner(env, dir).run(request(f)).block())
        .isInstanceOf(PitrException.class)
        .hasMessageContaining("bad item c150");

    RunRecord failed = lastRun();
    assertThat(failed.status()).isEqualTo(MigrationState.FAILED);
    Set<String> changed = changed();
    assertThat(changed).isNotEmpty().doesNotContain("c150");
    Map<String, JournalEntry> journal = journal(failed);
    assertThat(failed.itemsWritten()).isEqualTo(changed.size());
    assertThat(journal.keySet()).isEqualTo(changed);
    assertThat(journal.values())
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(JournalEntry.State.CONFIRMED));
    assertThat(hits().values()).allSatisfy(h -> assertThat(h).isBetween(0L, 1L));
  }
}
