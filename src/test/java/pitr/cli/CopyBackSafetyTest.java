package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The safety checks of copy-back on the command line: exit code, the exact message naming the
 * problem and the fix, and that nothing changed.
 */
class CopyBackSafetyTest extends CopyBackFixture {
  private int pitr(String... args) {
    return cli.exitWithState(state, args);
  }

  private Map<String, Map<String, AttributeValue>> orders() {
    return cli.local.contents("orders");
  }

  @Test
  void resume_keepsTheRunsLimitsAndShowsThem_andRefusesAHigherCap() {
    tables.recoveryAndLive(100);
    assertThat(
            tables.copy(
                "--run-id", "c1", "--segments", "4", "--concurrency", "3", "--max-wcu", "2000"))
        .isZero();
    cli.local.fill("orders", 0, 100, "bad", 100);
    var before = orders();

    assertThat(pitr("copy-back", "--resume", "c1", "--max-wcu", "5000")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Run c1 was started with --max-wcu 2000, and a resume keeps the limits of its"
                + " run: --max-wcu 5000 is higher. Leave --max-wcu out or pass at most 2000; to"
                + " copy with --max-wcu 5000, start a new run instead: pitr copy-back --from"
                + " orders-rec --to orders --max-wcu 5000 (items already copied are written"
                + " again). Nothing was written.\n");
    assertThat(pitr("copy-back", "--resume", "c1", "--max-wcu", "0")).isEqualTo(2);
    assertThat(cli.last.err()).contains("--max-wcu 0 would remove it.");
    assertThat(orders()).isEqualTo(before);

    assertThat(pitr("copy-back", "--resume", "c1", "--concurrency", "2")).isZero();
    assertThat(cli.last.err())
        .startsWith(
            "Resuming run c1 with its limits: --segments 4, --concurrency 2 (lowered from the"
                + " run's 3), --max-wcu 2000, --max-rcu none\n"
                + "Copying recovery table orders-rec → its source orders\n");
  }

  @Test
  void copyBack_withFromAndToSwapped_exitsThreeSayingTheyLookSwapped_andWritesNothing() {
    tables.recoveryAndLive(20);
    var recovery = cli.local.contents("orders-rec");

    assertThat(pitr("copy-back", "--from", "orders", "--to", "orders-rec", "--yes")).isEqualTo(3);

    assertThat(cli.last.err())
        .isEqualTo(
            "error: --to orders-rec is a recovery table of orders (tagged"
                + " pitr:recovery-of=orders, pitr:restore-point=2026-11-30T02:00:00Z): writing"
                + " into it would leave those tags describing items it no longer holds. --from"
                + " orders --to orders-rec look swapped: to copy the recovery table back into its"
                + " source, pass --from orders-rec --to orders; to write into the recovery table"
                + " anyway, pass --into-recovery-table. Nothing was written.\n");
    assertThat(cli.local.contents("orders-rec")).isEqualTo(recovery);
    assertThat(state.resolve("runs")).doesNotExist();

    assertThat(pitr("copy-back", "--from", "orders", "--to", "orders-rec", "--into-recovery-table"))
        .isZero();
    assertThat(cli.local.contents("orders-rec")).isEqualTo(orders());
  }

  @Test
  void deleteExtra_betweenUnrelatedTables_exitsThreeNamingForce_andDeletesNothing() {
    tables.recoveryAndLive(20);
    cli.local.createTable("copy");
    cli.local.fill("copy", 0, 10, "good", 100);
    var before = orders();

    assertThat(pitr("copy-back", "--from", "copy", "--to", "orders", "--delete-extra", "--yes"))
        .isEqualTo(3);

    assertThat(cli.last.err())
        .isEqualTo(
            "error: --delete-extra would delete the items of orders that copy does not have, but"
                + " copy is not a recovery table of orders (it has no pitr:recovery-of tag), so"
                + " nothing shows those items are extra rather than new; check --from and --to,"
                + " or pass --force to delete them anyway. Nothing was written.\n");
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void deleteExtra_dryRunAndPrompt_sayHowManyItemsOfWhichTable() {
    tables.recoveryAndLive(20);
    cli.local.fill("orders", 20, 27, "new", 10);

    assertThat(tables.copy("--delete-extra", "--dry-run")).isZero();
    assertThat(cli.last.out())
        .startsWith(
            "Dry run: would write 20 items (20 WCU) from recovery table orders-rec to its source"
                + " orders and delete 7 items of orders that orders-rec does not have; ");
    assertThat(orders()).hasSize(27);

    System.setIn(new ByteArrayInputStream("y\n".getBytes()));
    assertThat(tables.copy("--delete-extra")).isZero();
    assertThat(cli.last.err())
        .contains(
            "Delete 7 items of orders that orders-rec does not have (recovery table orders-rec →"
                + " its source orders)? [y/N] ");
    assertThat(cli.last.out()).contains("7 extra items deleted");
    tables.assertIdentical();
  }

  @Test
  void resume_afterItemsFailed_writesThemAgain_exitsZero_andResolvesTheFailureFile()
      throws Exception {
    onOnDemandAtOneWcu();
    tables.provisionedRecoveryAndOnDemandLive(200);
    cli.local.tagAsRecovery("orders-rec", "orders", "2026-11-30T02:00:00Z");
    assertThat(
            tables.copy(
                "--run-id", "r5", "--retries", "1", "--max-backoff", "10ms", "--segments", "1"))
        .isEqualTo(4);
    Path failures = state.resolve("runs").resolve("r5").resolve("failures-1-of-1.jsonl");
    long failed = Files.readAllLines(failures).size();
    assertThat(failed).isPositive();
    assertThat(cli.last.err())
        .endsWith(
            "error: "
                + failed
                + " items could not be written to orders and are in "
                + failures
                + "; fix the cause, then resume the run with pitr --endpoint-url "
                + cli.local.endpoint()
                + " copy-back --resume r5 --state-dir "
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

    assertThat(pitr("copy-back", "--resume", "r5")).as(cli.last.err()).isZero();

    assertThat(cli.last.err())
        .contains(
            "Writing again "
                + failed
                + " items that earlier processes of run r5 could not write, from "
                + failures
                + "\n");
    assertThat(cli.last.out()).contains(CopyBackTables.resolved(failures));
    assertThat(failures).doesNotExist();
    tables.assertIdentical();
  }

  @Test
  void resume_withACorruptCheckpoint_exitsTwoNamingTheFileAndTheFix() throws Exception {
    tables.recoveryAndLive(20);
    assertThat(tables.copy("--run-id", "c2", "--segments", "2")).isZero();
    Path run = state.resolve("runs").resolve("c2");
    Files.writeString(run.resolve("run.json"), "{\"runId\":\"c2\",\"sou");
    cli.local.fill("orders", 0, 20, "bad", 100);
    var before = orders();

    assertThat(pitr("copy-back", "--resume", "c2")).isEqualTo(2);

    assertThat(cli.last.err())
        .isEqualTo(
            "error: Checkpoint "
                + run.resolve("run.json")
                + " cannot be trusted: it is not whole JSON, so it was cut short or edited after"
                + " pitr wrote it; to start over, start a new run without --resume (items already"
                + " copied are written again, which is safe), or delete folder "
                + run
                + " to forget run c2. Nothing was changed.\n");
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void outputPaths_thatExistOrCannotBeWritten_exitTwoBeforeAnyWrite() throws Exception {
    tables.recoveryAndLive(20);
    var before = orders();
    Path existing = Files.writeString(state.resolve("old.jsonl"), "");
    Path notAFolder = Files.writeString(state.resolve("file"), "");

    assertThat(tables.copy("--run-id", "o1", "--failures", existing.toString())).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --failures "
                + existing
                + " already exists; each process of a run writes its failures to a new file (a"
                + " resume reads back those of the processes before it), so pass a new file, or"
                + " leave --failures out to use "
                + state.resolve("runs").resolve("o1")
                + ". Nothing was changed.\n");
    assertThat(tables.copy("--failures", notAFolder.resolve("f.jsonl").toString())).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Cannot write --failures "
                + notAFolder.resolve("f.jsonl")
                + ": "
                + notAFolder
                + " is not a folder; choose a path under an existing folder. Nothing was"
                + " changed.\n");
    assertThat(
            pitr("copy-back", "--replay", existing.toString(), "--to", "orders", "--resume", "x"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --resume continues a copy-back run and writes the failure files of its"
                + " earlier processes again by itself; pass --replay FILE --to TABLE without"
                + " --resume\n");
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void copyBack_withAHandMadeKeysFile_saysItWasTakenAsHandMade() throws Exception {
    tables.recoveryAndLive(20);
    Path keys = Files.writeString(state.resolve("keys.jsonl"), "{\"pk\":\"k1\"}\n");

    assertThat(tables.copy("--keys", keys.toString())).isZero();

    assertThat(cli.last.err())
        .contains(
            "note: --keys "
                + keys
                + " has no seal (pitr diff --keys-out writes one), so it was taken as made by"
                + " hand: all 1 keys in it were read and are keys of the table\n");
    assertThat(orders().get("k1").get("v").s()).isEqualTo("good");
    assertThat(orders().get("k2").get("v").s()).isEqualTo("bad");
  }

  @Test
  void copyBack_withJsonOutput_printsTheLimitsItRanWith() throws Exception {
    tables.recoveryAndLive(20);

    assertThat(
            pitr(
                "--output",
                "json",
                "copy-back",
                "--from",
                "orders-rec",
                "--to",
                "orders",
                "--max-wcu",
                "500",
                "--filter",
                "n < :n",
                "--filter-values",
                "{\":n\":{\"N\":\"5\"}}"))
        .as(cli.last.err())
        .isZero();

    var limits =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(cli.last.out()).get("limits");
    assertThat(limits.get("maxWcu").asDouble()).isEqualTo(500);
    assertThat(limits.get("filter").asText())
        .isEqualTo("'n < :n' with --filter-values {\":n\":{\"N\":\"5\"}}");
  }

  @Test
  void runIdThatIsAPath_isRefusedBeforeAnyWrite_andNoFileIsMadeOutsideTheStateFolder()
      throws Exception {
    tables.recoveryAndLive(10);
    Map<String, Map<String, AttributeValue>> before = orders();

    assertThat(tables.copy("--run-id", "../../escaped")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --run-id '../../escaped' is not a run id; use letters, digits, '.', '-' and"
                + " '_' (at most 64, starting with a letter or digit), e.g. fix-1042\n");
    assertThat(pitr("copy-back", "--resume", "a/b")).isEqualTo(2);
    assertThat(cli.last.err()).startsWith("error: --resume 'a/b' is not a run id;");

    assertThat(orders()).isEqualTo(before);
    assertThat(java.nio.file.Files.exists(state.resolveSibling("escaped"))).isFalse();
    try (var files = java.nio.file.Files.list(state)) {
      assertThat(files).isEmpty();
    }
  }
}
