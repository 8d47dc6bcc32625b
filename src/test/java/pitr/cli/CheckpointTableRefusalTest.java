package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.EngineConfig;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A {@code --checkpoint-table} that cannot keep checkpoints (a table of another key) is refused
 * before the command's first change: a rollback restores nothing and requests no export, a
 * copy-back reads and writes nothing; and a checkpoint table that does not exist yet is not created
 * by a command refused for another reason, so a mistyped name leaves no table behind.
 */
class CheckpointTableRefusalTest {
  private static final String OTHER_KEY = "orders-archive";

  private static final String REFUSAL =
      "error: Checkpoint table "
          + OTHER_KEY
          + " has the key pk (S), but checkpoints need run (S), part (S); pass a"
          + " --checkpoint-table that does not exist yet (pitr creates it) or one pitr created\n";

  @TempDir Path dir;
  private LocalCli cli;
  private Instant t0;
  private Instant t1;
  private Map<String, String> before;

  /** a, b, c at v1; T0; the incident sets a to bad, deletes b, creates n; T1; now T1 + 5m. */
  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(dir.resolve("s3/exports"));
    cli =
        new LocalCli(
            EngineConfig.defaults()
                .withRestoreLag(Duration.ZERO)
                .withExports(
                    EngineConfig.Exports.DEFAULTS
                        .withMinWindow(Duration.ofMinutes(1))
                        .withDirectory(dir.resolve("s3"))));
    cli.local.createTable("orders");
    cli.local.enablePitr("orders");
    cli.local.createTable(OTHER_KEY);
    put("a", "v1");
    put("b", "v1");
    put("c", "v1");
    cli.clock.advance(Duration.ofMinutes(1));
    t0 = cli.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    cli.clock.advance(Duration.ofMinutes(1));
    put("a", "bad");
    cli.local
        .client
        .deleteItem(r -> r.tableName("orders").key(Map.of("pk", AttributeValue.fromS("b"))))
        .join();
    put("n", "bad");
    cli.clock.advance(Duration.ofMinutes(3));
    t1 = cli.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    cli.clock.advance(Duration.ofMinutes(5));
    before = orders();
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  private void put(String pk, String v) {
    cli.local
        .client
        .putItem(
            r ->
                r.tableName("orders")
                    .item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v))))
        .join();
  }

  private Map<String, String> orders() {
    Map<String, String> out = new TreeMap<>();
    cli.local.contents("orders").forEach((pk, item) -> out.put(pk, item.get("v").s()));
    return out;
  }

  private List<String> tables() {
    return cli.local.client.listTables().join().tableNames().stream().sorted().toList();
  }

  private int exports() {
    return cli.local.client.listExports(r -> {}).join().exportSummaries().size();
  }

  private Path state() {
    return dir.resolve("state");
  }

  /** {@code rollback orders --to T0 --incident-end T1 --state-dir S}, then {@code more}. */
  private List<String> rollback(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "rollback",
                "orders",
                "--to",
                t0.toString(),
                "--incident-end",
                t1.toString(),
                "--state-dir",
                state().toString()));
    args.addAll(List.of(more));
    return args;
  }

  private List<String> fromExport(String... more) {
    List<String> args =
        rollback(
            "--source",
            "export",
            "--bucket",
            "exports",
            "--export-dir",
            dir.resolve("s3").toString());
    args.addAll(List.of(more));
    return args;
  }

  /** Nothing restored, exported, written, planned or created. */
  private void assertNothingChanged() {
    assertThat(tables()).isEqualTo(List.of("orders", OTHER_KEY));
    assertThat(exports()).as("exports requested").isZero();
    assertThat(orders()).isEqualTo(before);
    assertThat(cli.local.count(OTHER_KEY)).isZero();
    assertThat(state().resolve("rollbacks")).as("a kept plan").doesNotExist();
    assertThat(state().resolve("runs")).as("a run").doesNotExist();
  }

  @Test
  void rollbackFromRestoredTables_withACheckpointTableOfAnotherKey_exits2BeforeRestoring() {
    int code = cli.exit(rollback("--checkpoint-table", OTHER_KEY, "--yes").toArray(String[]::new));

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err()).isEqualTo(REFUSAL);
    assertThat(cli.last.out()).isEmpty();
    assertNothingChanged();
  }

  @Test
  void rollbackFromAnExport_withACheckpointTableOfAnotherKey_exits2BeforeRequestingTheExport() {
    int code =
        cli.exit(fromExport("--checkpoint-table", OTHER_KEY, "--yes").toArray(String[]::new));

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err()).isEqualTo(REFUSAL);
    assertThat(cli.last.out()).isEmpty();
    assertNothingChanged();
  }

  @Test
  void rollbackWithAPlanFile_withACheckpointTableOfAnotherKey_exits2BeforeRestoring() {
    Path plan = dir.resolve("plan.jsonl");

    int code =
        cli.exit(
            rollback("--checkpoint-table", OTHER_KEY, "--plan", plan.toString())
                .toArray(String[]::new));

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err()).isEqualTo(REFUSAL);
    assertThat(plan).doesNotExist();
    assertNothingChanged();
  }

  @Test
  void rollbackApply_withACheckpointTableOfAnotherKey_exits2NamingNoOtherCommand() {
    Path plan = dir.resolve("plan.jsonl");
    assertThat(cli.exit(rollback("--plan", plan.toString()).toArray(String[]::new)))
        .as(cli.last.err())
        .isZero();

    int code =
        cli.exit(
            "rollback",
            "--apply",
            plan.toString(),
            "--checkpoint-table",
            OTHER_KEY,
            "--state-dir",
            state().toString());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err()).isEqualTo(REFUSAL);
    assertThat(cli.last.out()).doesNotContain("apply the plan with").doesNotContain("--resume");
    assertThat(orders()).isEqualTo(before);
    assertThat(cli.local.count(OTHER_KEY)).isZero();
    assertThat(state().resolve("runs")).doesNotExist();
  }

  @Test
  void copyBack_withACheckpointTableOfAnotherKey_exits2BeforeReadingOrWriting() {
    cli.local.createTable("orders-copy");
    cli.local
        .client
        .putItem(
            r ->
                r.tableName("orders-copy")
                    .item(Map.of("pk", AttributeValue.fromS("a"), "v", AttributeValue.fromS("v1"))))
        .join();

    int code =
        cli.exit(
            "copy-back",
            "--from",
            "orders-copy",
            "--to",
            "orders",
            "--checkpoint-table",
            OTHER_KEY,
            "--state-dir",
            state().toString());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err()).isEqualTo(REFUSAL);
    assertThat(cli.last.out()).isEmpty();
    assertThat(orders()).isEqualTo(before);
    assertThat(cli.local.count(OTHER_KEY)).isZero();
    assertThat(state().resolve("runs")).doesNotExist();
  }

  /**
   * A rollback given a checkpoint table that does not exist (a typo), then not confirmed, leaves no
   * such table: the table is created when the apply starts, not when it is checked.
   */
  @Test
  void rollback_notConfirmed_createsNoCheckpointTable() {
    for (List<String> args :
        List.of(
            rollback("--checkpoint-table", "pitr-checkpionts"),
            fromExport("--checkpoint-table", "pitr-checkpionts"))) {
      CliRun run = LocalCli.onClock(new CliRun(), cli.clock);
      ((RollbackCommand) run.commandLine.getSubcommands().get("rollback").getCommand()).input =
          new BufferedReader(new StringReader("n\n"));
      List<String> all = new ArrayList<>(List.of("--endpoint-url", cli.local.endpoint()));
      all.addAll(args);

      int code = run.execute(all.toArray(String[]::new));

      assertThat(code).as(run.err()).isEqualTo(3);
      assertThat(run.err())
          .endsWith(
              "\nerror: Not confirmed; nothing was written. Pass --yes to skip the question\n");
      assertThat(tables()).doesNotContain("pitr-checkpionts");
      assertThat(orders()).isEqualTo(before);
    }
  }

  /** A copy-back dry run given a checkpoint table that does not exist leaves no such table. */
  @Test
  void copyBackDryRun_createsNoCheckpointTable() {
    cli.local.createTable("orders-copy");

    int code =
        cli.exit(
            "copy-back",
            "--from",
            "orders-copy",
            "--to",
            "orders",
            "--checkpoint-table",
            "pitr-checkpionts",
            "--dry-run",
            "--state-dir",
            state().toString());

    assertThat(code).as(cli.last.err()).isZero();
    assertThat(tables()).doesNotContain("pitr-checkpionts");
  }
}
