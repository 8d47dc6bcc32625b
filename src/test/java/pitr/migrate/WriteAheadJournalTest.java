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
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.AdjustableClock;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The journal is written ahead of the data: wherever a run stops, every item whose live image
 * changed is in the journal, with the hash of the image the run wrote (or meant to write).
 */
class WriteAheadJournalTest {
  private static final int ITEMS = 120;

  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final MigrationEnvironment env = local.environment(clock);

  @AfterEach
  void stop() {
    local.close();
  }

  private Map<String, Map<String, AttributeValue>> seed() {
    local.createTable("things", "pk");
    for (int i = 0; i < ITEMS; i++) {
      local.put(
          "things",
          Map.of(
              "pk", AttributeValue.fromS(String.format("t%03d", i)),
              "v", AttributeValue.fromN(Integer.toString(i))));
    }
    return local.items("things", "pk");
  }

  /** Sets m on every item: two segments, pages of ten, eight writes in flight per segment. */
  private MigrationFile marker(String body) {
    return Sources.write(
        dir,
        "0001_mark.java",
        """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Marks every item. */
        class Mark implements Migration {
          public Set<String> tables() {
            return Set.of("things");
          }

          public Mono<Void> run(MigrationContext c) {
            MigrationTable t = c.table("things");
            return %s;
          }
        }
        """
            .formatted(body));
  }

  private static final String SET_M =
      "t.forEachItem(ScanOptions.defaults().segments(2).pageSize(10).concurrency(8),"
          + " i -> t.update(i, Update.set(\"m\", AttributeValue.fromS(\"yes\")))).then()";

  private RunRequest request(MigrationFile f) {
    return RunRequest.of(f, RunMode.DEV, "ann", "box1");
  }

  private Map<String, JournalEntry> journal(RunRecord run) {
    List<JournalEntry> entries = env.journal(run).collectList().block();
    Map<String, JournalEntry> byKey =
        entries.stream().collect(Collectors.toMap(e -> e.key().get("pk").s(), e -> e));
    assertThat(byKey).as("one entry per key").hasSize(entries.size());
    return byKey;
  }

  private static Set<String> changed(
      Map<String, Map<String, AttributeValue>> before,
      Map<String, Map<String, AttributeValue>> after) {
    Set<String> keys = new java.util.TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    return keys.stream()
        .filter(k -> !java.util.Objects.equals(before.get(k), after.get(k)))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Every changed item is journaled with the hash of its live image: a rollback restores it. */
  private static void assertJournalCovers(
      Map<String, JournalEntry> journal,
      Set<String> changed,
      Map<String, Map<String, AttributeValue>> live) {
    assertThat(journal.keySet()).containsAll(changed);
    for (String k : changed) {
      assertThat(journal.get(k).imageHash()).as(k).isEqualTo(ItemHash.of(live.get(k)));
    }
  }

  private RunRecord crash(FaultyClient.Fault fault, int n) {
    FaultyClient faulty = new FaultyClient(local.client, "things", n, fault);
    MigrationEnvironment crashing = MigrationTestTarget.environment(faulty.client(), clock);
    MigrationFile f = marker(SET_M);

    assertThatThrownBy(() -> MigrationTestTarget.runner(crashing, dir).run(request(f)).block())
        .hasMessageContaining("the process was killed");
    assertThat(faulty.struck()).isTrue();
    RunRecord run = env.ledger().runs("0001_mark").blockLast();
    // The process died before it could record the outcome.
    assertThat(run.status()).isEqualTo(MigrationState.RUNNING);
    return run;
  }

  @Test
  void killAfterAWriteLanded_beforeItsAnswer_leavesEveryChangedItemJournaled() {
    Map<String, Map<String, AttributeValue>> before = seed();

    RunRecord run = crash(FaultyClient.Fault.KILL_AFTER_WRITE, 55);

    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    Set<String> changed = changed(before, live);
    assertThat(changed).hasSizeBetween(55, ITEMS - 1);
    Map<String, JournalEntry> journal = journal(run);
    assertJournalCovers(journal, changed, live);
    // At least the write whose answer never came is journaled only as an intent.
    assertThat(changed).anyMatch(k -> journal.get(k).state() == JournalEntry.State.INTENDED);
  }

  @Test
  void killJustBeforeAWrite_leavesItsIntent_withTheItemUntouched() {
    Map<String, Map<String, AttributeValue>> before = seed();

    RunRecord run = crash(FaultyClient.Fault.KILL_BEFORE_WRITE, 55);

    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    Set<String> changed = changed(before, live);
    Map<String, JournalEntry> journal = journal(run);
    assertJournalCovers(journal, changed, live);
    // The write that was never sent: intended, and its item still as it was.
    Map<String, JournalEntry> notWritten =
        journal.entrySet().stream()
            .filter(e -> !changed.contains(e.getKey()))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(notWritten).isNotEmpty();
    assertThat(notWritten.values())
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(JournalEntry.State.INTENDED));
    notWritten.keySet().forEach(k -> assertThat(live.get(k)).as(k).isEqualTo(before.get(k)));
  }

  @Test
  void killJustBeforeAWrite_leavesItsIntentStoredPacked_beforeTheWriteWasSent() {
    Map<String, Map<String, AttributeValue>> before = seed();

    RunRecord run = crash(FaultyClient.Fault.KILL_BEFORE_WRITE, 55);

    Map<String, Map<String, AttributeValue>> items = local.items(env.journalTable(), "pk", "sk");
    Map<String, Map<String, AttributeValue>> journalItems =
        items.entrySet().stream()
            .filter(e -> !e.getKey().contains("#commit"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(journalItems.values())
        .isNotEmpty()
        .allSatisfy(
            i -> assertThat(i).containsKey(JournalLayout.PACKED).doesNotContainKey("entries"));
    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    Map<String, JournalEntry> journal = journal(run);
    assertJournalCovers(journal, changed(before, live), live);
    // The 55th write was never sent, yet its intent is stored: journaled, intended, untouched.
    List<String> intendedUntouched =
        journal.values().stream()
            .filter(e -> e.state() == JournalEntry.State.INTENDED)
            .map(e -> e.key().get("pk").s())
            .filter(k -> live.get(k).equals(before.get(k)))
            .toList();
    assertThat(intendedUntouched).isNotEmpty();
    intendedUntouched.forEach(
        k ->
            assertThat(journal.get(k).imageHash())
                .isEqualTo(ItemHash.of(withM(before.get(k), "yes"))));
  }

  @Test
  void journalWrittenBeforeEntriesWerePacked_readsAsTheSameEntries() {
    seed();
    RunRecord run = crash(FaultyClient.Fault.KILL_AFTER_WRITE, 55);
    List<JournalEntry> packed = env.journal(run).collectList().block();

    assertThat(UnpackedJournal.unpack(local, env.journalTable())).isPositive();

    List<JournalEntry> unpacked = env.journal(run).collectList().block();
    assertThat(unpacked).containsExactlyInAnyOrderElementsOf(packed);
    assertThat(unpacked.stream().map(JournalEntry::state))
        .contains(JournalEntry.State.INTENDED, JournalEntry.State.CONFIRMED);
  }

  private static Map<String, AttributeValue> withM(Map<String, AttributeValue> item, String m) {
    Map<String, AttributeValue> out = new HashMap<>(item);
    out.put("m", AttributeValue.fromS(m));
    return out;
  }

  @Test
  void resume_afterAKill_finishesTheRun_andConfirmsEveryKey() {
    Map<String, Map<String, AttributeValue>> before = seed();
    RunRecord crashed = crash(FaultyClient.Fault.KILL_AFTER_WRITE, 55);
    clock.advance(Duration.ofSeconds(61));

    RunReport resumed =
        MigrationTestTarget.runner(env, dir).run(request(marker(SET_M)).withResume(true)).block();

    assertThat(resumed.runId()).isEqualTo(crashed.runId());
    assertThat(resumed.status()).isEqualTo(MigrationState.SUCCEEDED);
    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    assertThat(live.values()).allSatisfy(i -> assertThat(i).containsKey("m"));
    RunRecord done = env.ledger().runs("0001_mark").blockLast();
    Map<String, JournalEntry> journal = journal(done);
    assertThat(journal.keySet()).isEqualTo(changed(before, live));
    assertJournalCovers(journal, journal.keySet(), live);
    assertThat(journal.values())
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(JournalEntry.State.CONFIRMED));
  }

  @Test
  void writeWhoseConditionFails_isWithdrawnFromTheJournal() {
    Map<String, Map<String, AttributeValue>> before = seed();
    for (String k : List.of("t001", "t050", "t099")) {
      Map<String, AttributeValue> item = new HashMap<>(before.get(k));
      item.put("m", AttributeValue.fromS("already"));
      local.put("things", item);
    }
    Map<String, Map<String, AttributeValue>> seeded = local.items("things", "pk");
    MigrationFile f =
        marker(
            SET_M.replace(
                "Update.set(\"m\", AttributeValue.fromS(\"yes\"))",
                "Update.set(\"m\", AttributeValue.fromS(\"yes\"))"
                    + ".when(Condition.attributeNotExists(\"m\"))"));

    RunReport report = MigrationTestTarget.runner(env, dir).run(request(f)).block();

    assertThat(report.tables().get(0).conditionFailed()).isEqualTo(3);
    assertThat(report.journalEntries()).isEqualTo(ITEMS - 3);
    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    Map<String, JournalEntry> journal = journal(env.ledger().runs("0001_mark").blockLast());
    assertThat(journal.keySet()).isEqualTo(changed(seeded, live)).doesNotContain("t050");
    assertJournalCovers(journal, journal.keySet(), live);
  }

  @Test
  void conditionalWriteRetriedAfterItsAnswerWasLost_staysJournaled() {
    Map<String, Map<String, AttributeValue>> before = seed();
    FaultyClient faulty =
        new FaultyClient(local.client, "things", 30, FaultyClient.Fault.DROP_ANSWER);
    MigrationEnvironment flaky = MigrationTestTarget.environment(faulty.client(), clock);
    MigrationFile f =
        marker(
            SET_M.replace(
                "Update.set(\"m\", AttributeValue.fromS(\"yes\"))",
                "Update.set(\"m\", AttributeValue.fromS(\"yes\"))"
                    + ".when(Condition.attributeNotExists(\"m\"))"));

    RunReport report = MigrationTestTarget.runner(flaky, dir).run(request(f)).block();

    // The retry found its own write and failed the condition; the item is still the run's.
    assertThat(faulty.struck()).isTrue();
    assertThat(report.tables().get(0).conditionFailed()).isEqualTo(1);
    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    assertThat(changed(before, live)).hasSize(ITEMS);
    Map<String, JournalEntry> journal = journal(env.ledger().runs("0001_mark").blockLast());
    assertJournalCovers(journal, changed(before, live), live);
    assertThat(journal.values())
        .allSatisfy(e -> assertThat(e.state()).isEqualTo(JournalEntry.State.CONFIRMED));
  }

  @Test
  void updateGivenOnlyTheKey_isJournaledWithTheImageItProduced() {
    Map<String, Map<String, AttributeValue>> before = seed();
    MigrationFile f = marker(SET_M.replace("t.update(i, ", "t.update(t.keyOf(i), "));

    MigrationTestTarget.runner(env, dir).run(request(f)).block();

    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    Map<String, JournalEntry> journal = journal(env.ledger().runs("0001_mark").blockLast());
    assertThat(journal.keySet()).isEqualTo(changed(before, live)).hasSize(ITEMS);
    assertJournalCovers(journal, journal.keySet(), live);
  }

  @Test
  void updateOfAnItemChangedSinceItWasRead_isJournaledWithTheImageDynamoDbWrote() {
    seed();
    // The migration writes n=1 from an item it read, while v was changed in between.
    MigrationFile f =
        marker(
            "t.forEachItem(ScanOptions.defaults().segments(1).concurrency(1), i -> i.get(\"pk\")"
                + ".s().equals(\"t007\") ? t.put(java.util.Map.of(\"pk\", i.get(\"pk\"), \"v\","
                + " AttributeValue.fromN(\"700\"))).then(t.update(i, Update.set(\"m\","
                + " AttributeValue.fromS(\"yes\")))) : Mono.empty()).then()");

    MigrationTestTarget.runner(env, dir).run(request(f)).block();

    Map<String, AttributeValue> live = local.items("things", "pk").get("t007");
    assertThat(live.get("v").n()).isEqualTo("700");
    JournalEntry entry = journal(env.ledger().runs("0001_mark").blockLast()).get("t007");
    assertThat(entry.op()).isEqualTo(WriteOp.UPDATE);
    assertThat(entry.imageHash()).isEqualTo(ItemHash.of(live));
    assertThat(entry.state()).isEqualTo(JournalEntry.State.CONFIRMED);
  }

  @Test
  void keyWrittenTwice_readsAsOneEntryWithTheLastImage() {
    Map<String, Map<String, AttributeValue>> before = seed();
    MigrationFile f =
        marker(
            SET_M
                + ".then("
                + SET_M.replace("fromS(\"yes\")", "fromS(\"again\")").replace(".then()", "")
                + ").then()");

    MigrationTestTarget.runner(env, dir).run(request(f)).block();

    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    assertThat(live.values()).allSatisfy(i -> assertThat(i.get("m").s()).isEqualTo("again"));
    Map<String, JournalEntry> journal = journal(env.ledger().runs("0001_mark").blockLast());
    assertThat(journal.keySet()).isEqualTo(changed(before, live));
    assertJournalCovers(journal, journal.keySet(), live);
  }

  @Test
  void secondWriteWithdrawn_leavesTheKeyJournaledWithTheFirst() {
    Map<String, Map<String, AttributeValue>> before = seed();
    // The second pass is conditional on an even v: for the odd half its condition fails.
    String secondPass =
        "t.forEachItem(ScanOptions.defaults().segments(2).pageSize(10).concurrency(8), i ->"
            + " t.update(i, Update.set(\"m\", AttributeValue.fromS(\"again\"))"
            + ".when(Condition.of(\"v = :even\").value(\":even\", AttributeValue.fromN("
            + "Long.toString(Long.parseLong(i.get(\"v\").n()) / 2 * 2))))))";
    MigrationFile f = marker(SET_M + ".then(" + secondPass + ").then()");

    RunReport report = MigrationTestTarget.runner(env, dir).run(request(f)).block();

    assertThat(report.tables().get(0).conditionFailed()).isEqualTo(ITEMS / 2);
    assertThat(report.journalEntries()).isEqualTo(ITEMS + ITEMS / 2);
    Map<String, Map<String, AttributeValue>> live = local.items("things", "pk");
    assertThat(live.values())
        .allSatisfy(
            i ->
                assertThat(i.get("m").s())
                    .isEqualTo(Integer.parseInt(i.get("v").n()) % 2 == 0 ? "again" : "yes"));
    Map<String, JournalEntry> journal = journal(env.ledger().runs("0001_mark").blockLast());
    assertThat(journal.keySet()).isEqualTo(changed(before, live)).hasSize(ITEMS);
    assertJournalCovers(journal, journal.keySet(), live);
  }

  @Test
  void journalWrittenBeforeWriteAhead_readsAsConfirmed() {
    RunRecord run =
        RunRecord.starting("20260101T000000Z-0ld000", "0001_mark", "x", RunMode.DEV)
            .by("ann", "box1")
            .status(MigrationState.SUCCEEDED)
            .startedAt(clock.instant())
            .finishedAt(clock.instant())
            .restorePoint(clock.instant())
            .tables(List.of("things"))
            .counts(1, 1, 1)
            .fence(3)
            .journal("pitr-journal", 16)
            .build();
    Journal.ensureTable(env.db(), "pitr-journal").block();
    Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("t001"));
    Map<String, AttributeValue> legacy = new TreeMap<>();
    legacy.put("pk", AttributeValue.fromS(run.runId() + "#07"));
    legacy.put("sk", AttributeValue.fromS("things#" + ItemHash.of(key)));
    legacy.put("runId", AttributeValue.fromS(run.runId()));
    legacy.put("migration", AttributeValue.fromS("0001_mark"));
    legacy.put("table", AttributeValue.fromS("things"));
    legacy.put("key", AttributeValue.fromM(key));
    legacy.put("op", AttributeValue.fromS("PUT"));
    legacy.put("imageHash", AttributeValue.fromS("abc"));
    legacy.put("writtenAt", AttributeValue.fromS("2026-01-01T00:00:01Z"));
    legacy.put("fence", AttributeValue.fromN("3"));
    local.put("pitr-journal", legacy);

    List<JournalEntry> entries = env.journal(run).collectList().block();

    assertThat(entries)
        .containsExactly(
            new JournalEntry(
                run.runId(),
                "things",
                key,
                WriteOp.PUT,
                "abc",
                Instant.parse("2026-01-01T00:00:01Z"),
                3,
                JournalEntry.State.CONFIRMED));
  }

  @Test
  void keyIds_ofEqualKeysAgree_andSpreadDistinctKeys() {
    Map<String, AttributeValue> a =
        Map.of("pk", AttributeValue.fromS("x"), "sk", AttributeValue.fromN("1.50"));
    Map<String, AttributeValue> b =
        new java.util.LinkedHashMap<>(
            Map.of("sk", AttributeValue.fromN("1.5"), "pk", AttributeValue.fromS("x")));
    Set<Long> ids =
        java.util.stream.IntStream.range(0, 10_000)
            .mapToObj(i -> JournalLayout.keyId(Map.of("pk", AttributeValue.fromS("t" + i))))
            .collect(Collectors.toSet());

    assertThat(JournalLayout.keyId(a)).isEqualTo(JournalLayout.keyId(b));
    assertThat(ids).hasSize(10_000);
    assertThat(
            ids.stream()
                .collect(
                    Collectors.groupingBy(
                        id -> Long.remainderUnsigned(id, 16), Collectors.counting()))
                .values())
        .hasSize(16)
        .allSatisfy(n -> assertThat(n).isBetween(500L, 750L));
  }
}
