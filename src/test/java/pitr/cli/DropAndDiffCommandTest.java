package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropAndDiffCommandTest {
  @TempDir Path state;
  private final LocalCli cli = new LocalCli();

  @AfterEach
  void stop() {
    cli.close();
  }

  private void recovery() {
    cli.local.createTable("orders");
    cli.local.enablePitr("orders");
    cli.local.fill("orders", 0, 300, "good", 50);
    cli.clock.advance(Duration.ofSeconds(2));
    assertThat(cli.exit("restore", "orders", "--to", "latest", "--as", "orders-rec")).isZero();
  }

  @Test
  void diff_countsIdenticalChangedAndOneSidedItemsAndWritesKeysForCopyBack() throws Exception {
    recovery();
    cli.local.fill("orders", 0, 10, "bad", 50);
    cli.local.fill("orders", 300, 305, "new", 50);
    cli.local
        .client
        .deleteItem(
            r ->
                r.tableName("orders")
                    .key(
                        java.util.Map.of(
                            "pk",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                "k299"))))
        .join();
    Path keys = state.resolve("keys.jsonl");

    assertThat(
            cli.exit(
                "diff",
                "orders-rec",
                "orders",
                "--keys-out",
                keys.toString(),
                "--state-dir",
                state.toString(),
                "--sample",
                "1"))
        .isZero();
    assertThat(cli.last.out())
        .contains("identical:  289\n")
        .contains("changed:    10  e.g. {\"pk\":{\"S\":\"k")
        .contains("only in orders-rec: 1  e.g. {\"pk\":{\"S\":\"k299\"}}\n")
        .contains("only in orders: 5  e.g.");
    assertThat(pitr.files.SealedLines.readAll(keys, "Keys", "fix")).hasSize(16);
    // Progress and summary count what diff reads: 300 items of orders-rec, 304 of orders, and the
    // read units the scans consumed.
    assertThat(cli.last.err())
        .contains("summary command=diff items_read=604 items_written=0 ")
        .containsPattern("summary command=diff .* rcu=[1-9]\\d* ");

    assertThat(
            cli.exit(
                "copy-back",
                "--from",
                "orders-rec",
                "--to",
                "orders",
                "--keys",
                keys.toString(),
                "--delete-extra",
                "--yes",
                "--state-dir",
                state.toString()))
        .isZero();
    assertThat(cli.local.contents("orders")).isEqualTo(cli.local.contents("orders-rec"));
  }

  @Test
  void diff_withAnUnwritableKeysOut_exitsTwoBeforeScanningAnything() throws Exception {
    Path notAFolder = Files.writeString(state.resolve("file"), "");
    Path keys = notAFolder.resolve("keys.jsonl");

    // The tables do not even exist: the path is checked before any request.
    assertThat(cli.exit("diff", "ghost-a", "ghost-b", "--keys-out", keys.toString())).isEqualTo(2);

    assertThat(cli.last.err())
        .isEqualTo(
            "error: Cannot write --keys-out "
                + keys
                + ": "
                + notAFolder
                + " is not a folder; choose a path under an existing folder. Nothing was"
                + " changed.\n");
  }

  @Test
  void drop_ofRecoveryTableWithYes_deletesIt() throws Exception {
    recovery();
    assertThat(cli.exit("drop", "orders-rec", "--yes", "--state-dir", state.toString())).isZero();
    assertThat(cli.last.out()).isEqualTo("Dropped orders-rec\n");
    assertThat(cli.local.client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void drop_ofTheSourceTable_isRefusedEvenWithForce() throws Exception {
    recovery();
    assertThat(cli.exit("drop", "orders", "--yes", "--force", "--state-dir", state.toString()))
        .isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table orders is the source of recovery table orders-rec; pitr never drops a"
                + " source table\n");
  }

  @Test
  void drop_ofUntaggedTable_isRefusedWithoutForce() {
    cli.local.createTable("plain");
    assertThat(cli.exit("drop", "plain", "--yes", "--state-dir", state.toString())).isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table plain has no pitr:recovery-of tag, so it is not a recovery table pitr"
                + " made; pass --force and type its name to drop it anyway\n");
  }

  @Test
  void drop_ofUntaggedTableWithForce_needsTheNameTypedAgain() {
    cli.local.createTable("plain");
    System.setIn(new java.io.ByteArrayInputStream("wrong\n".getBytes()));
    assertThat(cli.exit("drop", "plain", "--force", "--state-dir", state.toString())).isEqualTo(3);
    System.setIn(new java.io.ByteArrayInputStream("plain\n".getBytes()));
    assertThat(cli.exit("drop", "plain", "--force", "--state-dir", state.toString())).isZero();
  }

  @Test
  void drop_whileACopyBackRunWithALeaseOfAnEarlierVersionIsUnfinished_isRefused() throws Exception {
    recovery();
    Path run = state.resolve("runs").resolve("abc");
    Files.createDirectories(run);
    Files.writeString(
        run.resolve("run.json"),
        "{\"runId\":\"abc\",\"source\":\"orders-rec\",\"target\":\"orders\",\"totalSegments\":4}");
    // A lease without owner or expiry, as earlier versions wrote: it holds for the default lease.
    java.time.Instant heartbeat = cli.clock.instant();
    Files.writeString(
        run.resolve("lease-1-of-1.json"),
        "{\"heartbeat\":\"" + heartbeat + "\",\"finished\":false}");
    assertThat(cli.exit("drop", "orders-rec", "--yes", "--state-dir", state.toString()))
        .isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table orders-rec is being copied back by run abc, which is running (last"
                + " heartbeat at "
                + heartbeat
                + "); wait for it to finish\n");
  }
}
