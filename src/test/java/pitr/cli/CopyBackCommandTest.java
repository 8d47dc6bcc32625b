package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import pitr.local.Faults;

/**
 * {@code pitr copy-back} runs: what it copies, how fast, with which options, and its failure file.
 */
class CopyBackCommandTest extends CopyBackFixture {
  @Test
  void copyBack_overwritesEveryItemWithTheRecoveryVersion() {
    tables.recoveryAndLive(3000);
    assertThat(tables.copy("--segments", "4")).isZero();
    assertThat(cli.last.out()).startsWith("Copied 3000 items from orders-rec to orders in ");
    assertThat(cli.last.err())
        .contains("summary command=copy-back items_read=3000 items_written=3000");
    tables.assertIdentical();
  }

  @Test
  void copyBack_intoProvisioned200WcuTable_startsAtItsCapacitySoNothingIsLeftUnprocessed() {
    cli.local.createTable("orders-rec");
    cli.local.createProvisioned("orders", 1000, 200);
    cli.local.fill("orders-rec", 0, 300, "good", 100);
    assertThat(tables.copy("--segments", "4", "--concurrency", "8", "--max-backoff", "1s"))
        .isZero();
    tables.assertIdentical();
    // Uncapped, the write limiter starts at the table's 200 WCU/s rather than at full speed.
    assertThat(cli.last.err()).contains("unprocessed=0").contains("throttled=0");
  }

  @Test
  void copyBack_withMaxWcu_staysUnderTheCap() {
    tables.recoveryAndLive(600);
    long start = System.nanoTime();
    assertThat(tables.copy("--max-wcu", "500")).isZero();
    double seconds = (System.nanoTime() - start) / 1e9;
    tables.assertIdentical();
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
      args.addAll(tables.copyBackArgs("--segments", "1", "--concurrency", "80", "--max-wcu", "0"));

      int code = run.execute(args.toArray(String[]::new));

      assertThat(code).as(run.err()).isZero();
      tables.assertIdentical();
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
    tables.recoveryAndLive(2000);
    cli.local.engine.setFaults(
        Faults.parse("throttle=0.1,error=0.05,latency=0.1,delay=20ms,drop=0.02,seed=7"));
    assertThat(tables.copy("--segments", "4", "--max-backoff", "500ms", "--retries", "20"))
        .isZero();
    cli.local.engine.setFaults(Faults.NONE);
    tables.assertIdentical();
  }

  @Test
  void copyBack_inThreeWorkers_coversEveryItemExactlyOnce() {
    tables.recoveryAndLive(3000);
    long total = 0;
    for (int i = 1; i <= 3; i++) {
      assertThat(tables.copy("--run-id", "w", "--segments", "9", "--worker", i + "/3")).isZero();
      total += Long.parseLong(cli.last.out().replaceAll("(?s)^Copied (\\d+) items.*", "$1"));
    }
    assertThat(total).isEqualTo(3000);
    tables.assertIdentical();
  }

  @Test
  void copyBack_withKeys_copiesOnlyThose() throws Exception {
    tables.recoveryAndLive(100);
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(keys, "{\"pk\":{\"S\":\"k1\"}}\n{\"pk\":\"k2\"}\n{\"pk\":\"nope\"}\n");
    assertThat(tables.copy("--keys", keys.toString())).isZero();
    assertThat(cli.last.out()).startsWith("Copied 2 items").contains("1 keys not in the source");
    var live = cli.local.contents("orders");
    assertThat(live.get("k1").get("v").s()).isEqualTo("good");
    assertThat(live.get("k3").get("v").s()).isEqualTo("bad");
  }

  @Test
  void copyBack_withFilter_copiesOnlyMatchingItems() {
    tables.recoveryAndLive(100);
    assertThat(tables.copy("--filter", "attribute_not_exists(payload)")).isZero();
    assertThat(cli.last.out()).startsWith("Copied 0 items");
  }

  @Test
  void copyBack_withFilterValuesAndNames_copiesOnlyMatchingItems() throws Exception {
    tables.recoveryAndLive(100);
    assertThat(
            tables.copy(
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
            tables.copy(
                "--filter-expression",
                "n >= :lo",
                "--expression-attribute-values",
                "file://" + values))
        .isZero();
    assertThat(cli.last.out()).startsWith("Copied 20 items");
    assertThat(cli.local.contents("orders").get("k80").get("v").s()).isEqualTo("good");
  }

  @Test
  void copyBack_dryRun_writesNothingAndEstimatesTime() {
    tables.recoveryAndLive(1000);
    assertThat(tables.copy("--dry-run", "--max-wcu", "100")).isZero();
    assertThat(cli.last.out())
        .isEqualTo(
            "Dry run: would write 1000 items (1000 WCU) from recovery table orders-rec to its"
                + " source orders; about 10s at 100 WCU/s\nNothing was written.\n");
    assertThat(cli.local.contents("orders").get("k1").get("v").s()).isEqualTo("bad");
  }

  @Test
  void copyBack_deleteExtra_removesItemsTheRecoveryLacks() {
    tables.recoveryAndLive(100);
    cli.local.fill("orders", 100, 150, "new", 10);
    assertThat(tables.copy("--delete-extra", "--yes")).isZero();
    assertThat(cli.last.out()).contains("50 extra items deleted");
    tables.assertIdentical();
  }

  @Test
  void copyBack_whenItemsStayUnwritable_writesTheFailureFileExitsFourAndReplayWritesThem()
      throws Exception {
    onOnDemandAtOneWcu();
    tables.provisionedRecoveryAndOnDemandLive(200);
    Path failures = state.resolve("failures.jsonl");
    assertThat(
            tables.copy(
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
                + "; fix the cause, then resume the run with pitr --endpoint-url "
                + cli.local.endpoint()
                + " copy-back --resume r4 --state-dir "
                + state
                + ", which writes them again (or replay them with pitr --endpoint-url "
                + cli.local.endpoint()
                + " copy-back --replay "
                + failures
                + " --to orders --state-dir "
                + state
                + ")\n");
    // The cause goes away.
    tables.provisionLive();

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
    tables.assertIdentical();
    assertThat(cli.last.out()).endsWith(CopyBackTables.resolved(failures));
    assertThat(failures).doesNotExist();
    assertThat(Path.of(failures + ".resolved")).exists();
  }

  @Test
  void copyBack_withJsonOutput_printsTheResult() {
    tables.recoveryAndLive(10);
    assertThat(tables.copy("--output", "json")).isZero();
    assertThat(cli.last.out()).contains("\"itemsWritten\" : 10");
  }
}
