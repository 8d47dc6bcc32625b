package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
  private OrdersIncident incident;
  private LocalCli cli;
  private Instant t0;
  private Instant t1;
  private Map<String, String> before;

  /** The incident of {@link OrdersIncident#withExports}, and a table of another key. */
  @BeforeEach
  void start() throws Exception {
    incident = OrdersIncident.withExports(dir);
    cli = incident.cli;
    t0 = incident.t0;
    t1 = incident.t1;
    cli.local.createTable(OTHER_KEY);
    before = incident.orders();
  }

  @AfterEach
  void stop() {
    incident.close();
  }

  private Path state() {
    return dir.resolve("state");
  }

  private List<String> rollback(String... more) {
    return incident.rollback(state(), more);
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
    assertThat(incident.tables()).isEqualTo(List.of("orders", OTHER_KEY));
    assertThat(incident.exports()).as("exports requested").isZero();
    assertThat(incident.orders()).isEqualTo(before);
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
    assertThat(incident.orders()).isEqualTo(before);
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
    assertThat(incident.orders()).isEqualTo(before);
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
      assertThat(incident.tables()).doesNotContain("pitr-checkpionts");
      assertThat(incident.orders()).isEqualTo(before);
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
    assertThat(incident.tables()).doesNotContain("pitr-checkpionts");
  }
}
