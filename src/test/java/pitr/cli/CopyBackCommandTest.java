package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import pitr.copy.Checkpoints;
import pitr.copy.CopyBack;
import pitr.copy.CopyRequest;
import pitr.copy.FileCheckpoints;
import pitr.copy.TableCheckpoints;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import pitr.metrics.CopyMeters;
import reactor.core.Disposable;

@ExtendWith(SharedEngine.class)
class CopyBackCommandTest {
  private static LocalCli cli;

  @TempDir Path state;

  @BeforeAll
  static void start(LocalCli shared) {
    cli = shared;
  }

  @AfterEach
  void clear() {
    cli.local.engine.setFaults(Faults.NONE);
    cli.local.deleteAllTables();
  }

  /** Recovery table orders-rec (tagged as a recovery of orders) and live table orders. */
  private void recoveryAndLive(int items) {
    cli.local.createTable("orders-rec");
    cli.local.createTable("orders");
    cli.local.tagAsRecovery("orders-rec", "orders", "2026-11-30T02:00:00Z");
    cli.local.fill("orders-rec", 0, items, "good", 100);
    cli.local.fill("orders", 0, items, "bad", 100);
  }

  private List<String> copyBackArgs(String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "copy-back",
                "--from",
                "orders-rec",
                "--to",
                "orders",
                "--state-dir",
                state.toString()));
    args.addAll(List.of(extra));
    return args;
  }

  private int copy(String... extra) {
    return cli.exit(copyBackArgs(extra).toArray(String[]::new));
  }

  private void assertIdentical() {
    assertThat(cli.local.contents("orders")).isEqualTo(cli.local.contents("orders-rec"));
  }

  @Test
  void copyBack_overwritesEveryItemWithTheRecoveryVersion() {
    recoveryAndLive(3000);
    assertThat(copy("--segments", "4")).isZero();
    assertThat(cli.last.out()).startsWith("Copied 3000 items from orders-rec to orders in ");
    assertThat(cli.last.err())
        .contains("summary command=copy-back items_read=3000 items_written=3000");
    assertIdentical();
  }

  @Test
  void copyBack_intoProvisioned200WcuTable_startsAtItsCapacitySoNothingIsLeftUnprocessed() {
    cli.local.createTable("orders-rec");
    cli.local.createProvisioned("orders", 1000, 200);
    cli.local.fill("orders-rec", 0, 300, "good", 100);
    assertThat(copy("--segments", "4", "--concurrency", "8", "--max-backoff", "1s")).isZero();
    assertIdentical();
    // Uncapped, the write limiter starts at the table's 200 WCU/s rather than at full speed.
    assertThat(cli.last.err()).contains("unprocessed=0").contains("throttled=0");
  }

  @Test
  void copyBack_withMaxWcu_staysUnderTheCap() {
    recoveryAndLive(600);
    long start = System.nanoTime();
    assertThat(copy("--max-wcu", "500")).isZero();
    double seconds = (System.nanoTime() - start) / 1e9;
    assertIdentical();
    // 600 one-KB-or-less items at 500 WCU/s take 1.1 s at least (a tenth of a second of burst).
    assertThat(seconds).isGreaterThan(1.0);
  }

  @Test
  void copyBack_withConcurrencyAboveTheHttpPoolDefault_hasThatManyCallsInFlight() throws Exception {
    // The SDK's HTTP client holds 50 connections unless told otherwise; --concurrency 80 must get
    // 80 calls in flight, not queue 30 of them. The relay holds every write until 80 wait at once,
    // so they overlap however long the client takes to send them; a delay on each answer instead
    // let the first calls finish before the last were sent on a loaded machine.
    cli.local.createTable("orders-rec");
    cli.local.createTable("orders");
    cli.local.fill("orders-rec", 0, 5000, "good", 100);
    try (HoldingRelay relay =
        new HoldingRelay(
            URI.create(cli.local.endpoint()), "BatchWriteItem", 80, Duration.ofSeconds(20))) {
      CliRun run = new CliRun();
      List<String> args = new java.util.ArrayList<>(List.of("--endpoint-url", relay.endpoint()));
      // No cap, so that the rate does not bound the calls in flight.
      args.addAll(copyBackArgs("--segments", "1", "--concurrency", "80", "--max-wcu", "0"));

      int code = run.execute(args.toArray(String[]::new));

      assertThat(code).as(run.err()).isZero();
      assertIdentical();
      assertThat(relay.openedByCalls())
          .as("80 writes in flight at once (at most %d were)", relay.mostInFlight())
          .isTrue();
      assertThat(relay.mostInFlight())
          .isGreaterThan(TargetOptions.DEFAULT_CONNECTIONS)
          .isLessThanOrEqualTo(81);
    }
  }

  @Test
  void copyBack_underThrottlesErrorsLatencyAndDrops_convergesWithNothingLost() {
    recoveryAndLive(2000);
    cli.local.engine.setFaults(
        Faults.parse("throttle=0.1,error=0.05,latency=0.1,delay=20ms,drop=0.02,seed=7"));
    assertThat(copy("--segments", "4", "--max-backoff", "500ms", "--retries", "20")).isZero();
    cli.local.engine.setFaults(Faults.NONE);
    assertIdentical();
  }

  @Test
  void copyBack_cancelledMidwayThenResumed_endsIdentical() throws Exception {
    recoveryAndLive(2000);
    cancelAtFirstCheckpoint("run1", FileCheckpoints.in(state));
    assertThat(cli.local.contents("orders")).isNotEqualTo(cli.local.contents("orders-rec"));

    assertThat(cli.exit("copy-back", "--resume", "run1", "--state-dir", state.toString())).isZero();
    assertIdentical();
    assertThat(cli.last.out())
        .containsPattern("run run1: [1-3] segments copied, [1-3] already done, of 4");
  }

  @Test
  void copyBack_withCheckpointTable_cancelledMidwayResumesFromTheTable() throws Exception {
    recoveryAndLive(2000);
    cancelAtFirstCheckpoint("run2", TableCheckpoints.in(cli.local.gateway(), "pitr-checkpoints"));
    assertThat(cli.local.contents("orders")).isNotEqualTo(cli.local.contents("orders-rec"));

    assertThat(
            cli.exit(
                "copy-back",
                "--resume",
                "run2",
                "--checkpoint-table",
                "pitr-checkpoints",
                "--state-dir",
                state.toString()))
        .isZero();
    assertIdentical();
    assertThat(cli.last.out())
        .containsPattern("run run2: [1-3] segments copied, [1-3] already done, of 4");
    assertThat(state.resolve("runs")).doesNotExist();
  }

  /**
   * Starts copying orders-rec to orders in 4 segments, two at a time, each one page of 500 items,
   * and cancels the copy once a segment's checkpoint is saved: about a quarter of the way at 2000
   * WCU/s.
   */
  private void cancelAtFirstCheckpoint(String runId, Checkpoints checkpoints) throws Exception {
    CopyRequest request =
        CopyRequest.builder(runId, state.resolve("f.jsonl"))
            .tables("orders-rec", "orders")
            .throughput(new CopyRequest.Throughput(4, 2, 2000, 0))
            .retry(new CopyRequest.Retry(10, Duration.ofMillis(50), Duration.ofSeconds(1)))
            .build();
    Disposable running =
        CopyBack.create(
                cli.local.gateway(),
                checkpoints,
                CopyMeters.inMemory(),
                java.time.Clock.systemUTC())
            .run(request)
            .subscribe();
    try {
      Poll.until(
          Duration.ofSeconds(30),
          "segment checkpoint of run " + runId + " in " + checkpoints.describe(),
          () -> !checkpoints.positions(runId).block().isEmpty());
    } finally {
      running.dispose();
    }
  }

  @Test
  void copyBack_checkpointTableRefusals_exitTwoWithClearMessagesAndWriteNothing() {
    recoveryAndLive(10);
    cli.local.createTable("other-checkpoints");

    assertThat(copy("--checkpoint-table", "other-checkpoints")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Checkpoint table other-checkpoints has the key pk (S), but checkpoints need"
                + " run (S), part (S); pass a --checkpoint-table that does not exist yet (pitr"
                + " creates it) or one pitr created\n");
    assertThat(copy("--checkpoint-table", "orders")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --checkpoint-table orders is the table copied to; name a table of its own for"
                + " checkpoints, e.g. --checkpoint-table pitr-checkpoints\n");
    assertThat(cli.exit("copy-back", "--resume", "ghost", "--checkpoint-table", "ckpt"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: No copy-back run ghost in table ckpt; check --state-dir or"
                + " --checkpoint-table\n");
    assertThat(cli.local.client.listTables().join().tableNames()).doesNotContain("ckpt");
    assertThat(cli.local.contents("other-checkpoints")).isEmpty();
    assertThat(cli.local.contents("orders").values()).allMatch(i -> i.get("v").s().equals("bad"));
  }

  @Test
  void copyBack_resumedWithAnotherFilter_exitsTwoAndWritesNothing() {
    recoveryAndLive(10);
    assertThat(
            copy(
                "--run-id",
                "f1",
                "--filter",
                "n < :n",
                "--filter-values",
                "{\":n\":{\"N\":\"5\"}}",
                "--checkpoint-table",
                "ckpt"))
        .isZero();
    cli.local.fill("orders", 0, 10, "bad", 100);

    String refusal =
        "error: Run f1 copies the items matching --filter 'n < :n' with --filter-values"
            + " {\":n\":{\"N\":\"5\"}}; resume it without --filter (it keeps its own) or with"
            + " that --filter and the same --filter-values and --filter-names, or start a new run"
            + " for another filter\n";
    // The same expression with another value would copy other items: refused.
    assertThat(
            cli.exit(
                "copy-back",
                "--resume",
                "f1",
                "--checkpoint-table",
                "ckpt",
                "--filter",
                "n < :n",
                "--filter-values",
                "{\":n\":{\"N\":\"9\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err()).isEqualTo(refusal);
    assertThat(cli.local.contents("orders").values()).allMatch(i -> i.get("v").s().equals("bad"));
    // With the same filter and values it resumes.
    assertThat(
            cli.exit(
                "copy-back",
                "--resume",
                "f1",
                "--checkpoint-table",
                "ckpt",
                "--filter",
                "n < :n",
                "--filter-values",
                "{\":n\":{\"N\":\"5\"}}"))
        .as(cli.last.err())
        .isZero();
  }

  @Test
  void copyBack_resumedWithoutFilter_keepsTheRunsFilterAndSaysSo() throws Exception {
    recoveryAndLive(10);
    assertThat(
            copy(
                "--run-id",
                "f2",
                "--filter",
                "n < :n",
                "--filter-values",
                "{\":n\":{\"N\":\"5\"}}",
                "--segments",
                "2"))
        .isZero();
    cli.local.fill("orders", 0, 10, "bad", 100);
    // Forget both segments' progress, so the resume copies them again.
    Path run = state.resolve("runs").resolve("f2");
    Files.delete(run.resolve("segment-000000.json"));
    Files.delete(run.resolve("segment-000001.json"));

    assertThat(cli.exit("copy-back", "--resume", "f2", "--state-dir", state.toString()))
        .as(cli.last.err())
        .isZero();

    assertThat(cli.last.err())
        .startsWith(
            "Resuming run f2 with its limits: --segments 2, --concurrency 16, --max-wcu 1000,"
                + " --max-rcu none, --filter 'n < :n' with --filter-values {\":n\":{\"N\":\"5\"}}\n");
    var live = cli.local.contents("orders");
    for (int i = 0; i < 10; i++) {
      assertThat(live.get("k" + i).get("v").s()).isEqualTo(i < 5 ? "good" : "bad");
    }
  }

  @Test
  void copyBack_resumedAfterFinishing_skipsEverySegment() {
    recoveryAndLive(500);
    assertThat(copy("--run-id", "r2", "--segments", "4")).isZero();
    assertThat(copy("--resume", "r2", "--segments", "4")).isZero();
    assertThat(cli.last.out()).contains("run r2: 0 segments copied, 4 already done, of 4");
  }

  @Test
  void copyBack_inThreeWorkers_coversEveryItemExactlyOnce() {
    recoveryAndLive(3000);
    long total = 0;
    for (int i = 1; i <= 3; i++) {
      assertThat(copy("--run-id", "w", "--segments", "9", "--worker", i + "/3")).isZero();
      total += Long.parseLong(cli.last.out().replaceAll("(?s)^Copied (\\d+) items.*", "$1"));
    }
    assertThat(total).isEqualTo(3000);
    assertIdentical();
  }

  @Test
  void copyBack_withKeys_copiesOnlyThose() throws Exception {
    recoveryAndLive(100);
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(keys, "{\"pk\":{\"S\":\"k1\"}}\n{\"pk\":\"k2\"}\n{\"pk\":\"nope\"}\n");
    assertThat(copy("--keys", keys.toString())).isZero();
    assertThat(cli.last.out()).startsWith("Copied 2 items").contains("1 keys not in the source");
    var live = cli.local.contents("orders");
    assertThat(live.get("k1").get("v").s()).isEqualTo("good");
    assertThat(live.get("k3").get("v").s()).isEqualTo("bad");
  }

  @Test
  void resume_ofAKeysRunWhoseFileWasEditedSince_exits2NamingBothSha256s_andWritesNothing()
      throws Exception {
    recoveryAndLive(10);
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(keys, "{\"pk\":\"k1\"}\n");
    String started = sha256(keys);
    assertThat(copy("--keys", keys.toString(), "--run-id", "lk01")).isZero();
    cli.local.fill("orders", 1, 2, "bad", 100);
    Files.writeString(keys, "{\"pk\":\"k1\"}\n{\"pk\":\"k3\"}\n");

    int code = cli.exit("copy-back", "--resume", "lk01", "--state-dir", state.toString());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Run lk01 copies the keys in --keys "
                + keys.toAbsolutePath()
                + ", whose SHA-256 was "
                + started
                + " when the run started; it is now "
                + sha256(keys)
                + ", so the file was changed or replaced since. Put back the file the run started"
                + " with, or start a new run for the keys it lists now (items already copied are"
                + " written again). Nothing was written.\n");
    var live = cli.local.contents("orders");
    assertThat(live.get("k1").get("v").s()).isEqualTo("bad");
    assertThat(live.get("k3").get("v").s()).isEqualTo("bad");
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void copyBack_withFilter_copiesOnlyMatchingItems() {
    recoveryAndLive(100);
    assertThat(copy("--filter", "attribute_not_exists(payload)")).isZero();
    assertThat(cli.last.out()).startsWith("Copied 0 items");
  }

  @Test
  void copyBack_withFilterValuesAndNames_copiesOnlyMatchingItems() throws Exception {
    recoveryAndLive(100);
    assertThat(
            copy(
                "--filter",
                "n >= :lo AND #v = :good",
                "--filter-values",
                "{\":lo\":{\"N\":\"90\"},\":good\":{\"S\":\"good\"}}",
                "--filter-names",
                "{\"#v\":\"v\"}"))
        .isZero();
    assertThat(cli.last.out()).startsWith("Copied 10 items");
    var live = cli.local.contents("orders");
    for (int i = 0; i < 100; i++) {
      assertThat(live.get("k" + i).get("v").s()).isEqualTo(i >= 90 ? "good" : "bad");
    }

    Path values = state.resolve("values.json");
    Files.writeString(values, "{\n  \":lo\": {\"N\": \"80\"}\n}\n");
    assertThat(
            copy(
                "--filter-expression",
                "n >= :lo",
                "--expression-attribute-values",
                "file://" + values))
        .isZero();
    assertThat(cli.last.out()).startsWith("Copied 20 items");
    assertThat(cli.local.contents("orders").get("k80").get("v").s()).isEqualTo("good");
  }

  @Test
  void copyBack_withBadFilterPlaceholders_exitsTwoNamingTheProblemAndWritesNothing()
      throws Exception {
    recoveryAndLive(10);
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(keys, "{\"pk\":\"k1\"}\n");
    Path broken = state.resolve("broken.json");
    Files.writeString(broken, "{\n  \":v\": {\"N\": \"3\"},\n  \":w\" {\"N\": \"4\"}\n}\n");

    assertThat(copy("--filter", "n > :v", "--filter-values", "{\":v\":{\"N\":\"3\"}")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values is not valid JSON at line 1, column 16: Unexpected end-of-input:"
                + " expected close marker for Object; pass an object like {\":v\":{\"N\":\"3\"}} (quote it"
                + " for the shell)\n");
    assertThat(copy("--filter", "n > :v", "--filter-values", "file://" + broken)).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values file "
                + broken
                + " is not valid JSON at line 3, column 8: Unexpected character ('{' (code 123)): was"
                + " expecting a colon to separate field name and value; pass an object like"
                + " {\":v\":{\"N\":\"3\"}} (quote it for the shell)\n");
    assertThat(copy("--filter", "n > :v")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter 'n > :v' uses :v, which --filter-values does not define; add it, e.g."
                + " --filter-values '{\":v\":{\"N\":\"3\"}}'\n");
    assertThat(
            copy(
                "--filter",
                "n > :v",
                "--filter-values",
                "{\":v\":{\"N\":\"3\"},\":w\":{\"N\":\"4\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values defines :w, which --filter 'n > :v' does not use; remove it or use"
                + " it in --filter\n");
    assertThat(copy("--filter", "n > :v", "--filter-values", "{\"v\":{\"N\":\"3\"}}")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values has the key \"v\"; placeholders start with :, as the filter refers"
                + " to them, e.g. {\":v\":{\"N\":\"3\"}}\n");
    assertThat(copy("--filter", "n > :v", "--filter-values", "{\":v\":{\"Q\":\"3\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values is not DynamoDB JSON (attribute :v has unknown type Q); give each"
                + " value with its type, e.g. {\":v\":{\"N\":\"3\"}}\n");
    assertThat(copy("--filter", "n > :v", "--filter-values", "{\":v\":{\"N\":\"three\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values gives :v the number \"three\", which is not a number; give a"
                + " decimal number as a string, e.g. {\":v\":{\"N\":\"3\"}}\n");
    assertThat(copy("--filter", "#s = :v", "--filter-values", "{\":v\":{\"N\":\"3\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter '#s = :v' uses #s, which --filter-names does not define; add it, e.g."
                + " --filter-names '{\"#s\":\"attribute\"}'\n");
    assertThat(copy("--filter-values", "{\":v\":{\"N\":\"3\"}}")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values needs --filter EXPR, the filter expression that uses them\n");
    assertThat(
            copy(
                "--filter",
                "n > :v",
                "--filter-values",
                "{\":v\":{\"N\":\"3\"}}",
                "--keys",
                keys.toString()))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter chooses items of a scan, but --keys copies exactly the items listed; pass"
                + " one of them, not both\n");
    assertThat(cli.local.contents("orders").values()).allMatch(i -> i.get("v").s().equals("bad"));
  }

  @Test
  void copyBack_dryRun_writesNothingAndEstimatesTime() {
    recoveryAndLive(1000);
    assertThat(copy("--dry-run", "--max-wcu", "100")).isZero();
    assertThat(cli.last.out())
        .isEqualTo(
            "Dry run: would write 1000 items (1000 WCU) from recovery table orders-rec to its"
                + " source orders; about 10s at 100 WCU/s\nNothing was written.\n");
    assertThat(cli.local.contents("orders").get("k1").get("v").s()).isEqualTo("bad");
  }

  @Test
  void copyBack_deleteExtra_removesItemsTheRecoveryLacks() {
    recoveryAndLive(100);
    cli.local.fill("orders", 100, 150, "new", 10);
    assertThat(copy("--delete-extra", "--yes")).isZero();
    assertThat(cli.last.out()).contains("50 extra items deleted");
    assertIdentical();
  }

  @Test
  void copyBack_deleteExtraUnconfirmed_saysHowManyFromWhichTableRefusesAndWritesNothing() {
    recoveryAndLive(10);
    cli.local.fill("orders", 10, 15, "new", 10);
    System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
    assertThat(copy("--delete-extra")).isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "Copying recovery table orders-rec → its source orders\n"
                + "Delete 5 items of orders that orders-rec does not have (recovery table"
                + " orders-rec → its source orders)? [y/N] error: --delete-extra was not"
                + " confirmed, so nothing was written; answer y or pass --yes\n");
    assertThat(cli.local.contents("orders")).hasSize(15);
    assertThat(cli.local.contents("orders").get("k1").get("v").s()).isEqualTo("bad");
  }

  @Test
  void copyBack_whenItemsStayUnwritable_writesTheFailureFileExitsFourAndReplayWritesThem()
      throws Exception {
    // An engine that lets on-demand tables take 1 WCU/s: the writes are throttled where the
    // copy cannot see it coming (a provisioned table's capacity would set its starting rate).
    LocalCli shared = cli;
    try (LocalCli tight = new LocalCli(EngineConfig.defaults().withOnDemandCeiling(0, 1))) {
      cli = tight;
      cli.local.createProvisioned("orders-rec", 40000, 40000);
      cli.local.createTable("orders");
      cli.local.fill("orders-rec", 0, 200, "good", 100);
      Path failures = state.resolve("failures.jsonl");
      assertThat(
              copy(
                  "--run-id",
                  "r4",
                  "--failures",
                  failures.toString(),
                  "--retries",
                  "1",
                  "--max-backoff",
                  "10ms",
                  "--segments",
                  "1"))
          .isEqualTo(4);
      long failed = Files.readAllLines(failures).size();
      assertThat(failed).isPositive();
      assertThat(cli.local.contents("orders")).hasSize((int) (200 - failed));
      assertThat(cli.last.err())
          .contains(
              "error: "
                  + failed
                  + " items could not be written to orders and are in "
                  + failures
                  + "; fix the cause, then resume the run with pitr copy-back --resume r4, which"
                  + " writes them again (or replay them with pitr copy-back --replay "
                  + failures
                  + " --to orders)\n");
      // The cause goes away: the table becomes provisioned, beyond the engine's on-demand ceiling.
      cli.local
          .client
          .updateTable(
              r ->
                  r.tableName("orders")
                      .billingMode("PROVISIONED")
                      .provisionedThroughput(
                          t -> t.readCapacityUnits(1000L).writeCapacityUnits(1000L)))
          .join();

      assertThat(
              cli.exit(
                  "copy-back",
                  "--replay",
                  failures.toString(),
                  "--to",
                  "orders",
                  "--state-dir",
                  state.toString()))
          .isZero();
      assertIdentical();
      assertThat(cli.last.out())
          .endsWith(
              "resolved "
                  + failures
                  + ": every item in it was written again or filed anew; renamed to "
                  + failures
                  + ".resolved\n");
      assertThat(failures).doesNotExist();
      assertThat(Path.of(failures + ".resolved")).exists();
    } finally {
      cli = shared;
    }
  }

  @Test
  void copyBack_refusals_exitTwoWithClearMessagesAndWriteNothing() throws Exception {
    recoveryAndLive(10);
    cli.local
        .client
        .createTable(
            r ->
                r.tableName("other")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                    .keySchema(k -> k.attributeName("id").keyType("HASH")))
        .join();
    Path badKeys = state.resolve("bad.jsonl");
    Files.writeString(badKeys, "{\"pk\":\"a\"}\n{\"id\":\"b\"}\n");

    assertThat(cli.exit("copy-back", "--from", "orders", "--to", "orders")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --from and --to both name table orders; copy-back copies a recovery table"
                + " into another table\n");
    assertThat(cli.exit("copy-back", "--from", "orders-rec", "--to", "other")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Key schemas differ: orders-rec has pk (S) but other has id (S); copy-back"
                + " needs tables with the same key\n");
    assertThat(cli.exit("copy-back", "--from", "ghost", "--to", "orders")).isEqualTo(2);
    assertThat(cli.last.err()).contains("Table ghost does not exist in ");
    assertThat(copy("--keys", badKeys.toString())).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --keys "
                + badKeys
                + " line 2 is not a key of the table: it has no partition key pk; each line must"
                + " be one key as JSON, e.g. {\"pk\":{\"S\":\"...\"}}\n");
    assertThat(copy("--filter", "n >")).isEqualTo(2);
    assertThat(cli.last.err()).startsWith("error: --filter 'n >' is invalid: ");
    assertThat(copy("--worker", "3/2")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --worker 3/2 is invalid; pass I/N with 1 <= I <= N, e.g. --worker 1/3\n");
    assertThat(cli.local.contents("orders").values()).allMatch(i -> i.get("v").s().equals("bad"));
  }

  @Test
  void copyBack_withJsonOutput_printsTheResult() {
    recoveryAndLive(10);
    assertThat(copy("--output", "json")).isZero();
    assertThat(cli.last.out()).contains("\"itemsWritten\" : 10");
  }
}
