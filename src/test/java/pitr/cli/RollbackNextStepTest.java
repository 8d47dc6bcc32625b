package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback whose apply is refused before its run is recorded, where applying the kept plan again
 * would be refused again, names the step that works instead: for a plan that no longer matches its
 * table, the rollback that plans again (and a rollback that planned drops its recovery tables); for
 * a checkpoint table of another key, the apply of the kept plan with its checkpoints in the state
 * folder, which, run as printed, completes the rollback.
 */
class RollbackNextStepTest {
  @TempDir Path dir;
  private OrdersIncident incident;
  private LocalCli cli;
  private Instant t0;
  private Instant t1;

  /** The incident of {@link OrdersIncident#restoring}. */
  @BeforeEach
  void start() {
    incident = OrdersIncident.restoring();
    cli = incident.cli;
    t0 = incident.t0;
    t1 = incident.t1;
  }

  @AfterEach
  void stop() {
    incident.close();
  }

  /** {@code rollback orders --to T0 --incident-end T1 --state-dir S}, then {@code more}. */
  private String[] rollback(String... more) {
    return incident.rollback(dir.resolve("state"), more).toArray(String[]::new);
  }

  private String state() {
    return dir.resolve("state").toString();
  }

  /**
   * Drops {@code orders} and makes it anew keyed by {@code id}: the plan's keys are not its own.
   */
  private void recreateOrdersWithAnotherKey() {
    cli.local.client.deleteTable(r -> r.tableName("orders")).join();
    createKeyedBy("orders", "id");
  }

  private void createKeyedBy(String table, String key) {
    cli.local
        .client
        .createTable(
            r ->
                r.tableName(table)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName(key).attributeType("S"))
                    .keySchema(k -> k.attributeName(key).keyType("HASH")))
        .join();
  }

  /**
   * Runs {@code pitr --endpoint-url E args}, answering the confirmation with y after {@code
   * meanwhile} ran, as if it happened while the operator read the plan.
   */
  private CliRun confirmedAfter(Runnable meanwhile, String... args) {
    CliRun run = LocalCli.onClock(new CliRun(), cli.clock);
    ((RollbackCommand) run.commandLine.getSubcommands().get("rollback").getCommand()).input =
        new BufferedReader(new StringReader("y\n")) {
          @Override
          public String readLine() throws IOException {
            meanwhile.run();
            return super.readLine();
          }
        };
    List<String> all = new ArrayList<>(List.of("--endpoint-url", cli.local.endpoint()));
    all.addAll(List.of(args));
    run.execute(all.toArray(String[]::new));
    return run;
  }

  @Test
  void rollbackApply_ofAPlanWhoseTableWasRecreated_namesTheRollbackThatPlansAgain() {
    Path plan = dir.resolve("plan.jsonl");
    assertThat(cli.exit(rollback("--plan", plan.toString()))).as(cli.last.err()).isZero();
    recreateOrdersWithAnotherKey();

    int code = cli.exit("rollback", "--apply", plan.toString(), "--state-dir", state());

    assertThat(code).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Rollback plan for orders has key {\"pk\":{\"S\":\"a\"}}, which is not a key of"
                + " the table (it has no partition key id); was the table recreated since"
                + " planning? Make a new plan\n");
    assertThat(cli.last.out())
        .endsWith(
            "Nothing was written to orders: the plan no longer matches the table, so an apply of"
                + " it would be refused again; plan again with 'pitr --endpoint-url "
                + cli.local.endpoint()
                + " rollback orders --to "
                + t0
                + " --incident-end "
                + t1
                + " --state-dir "
                + state()
                + "', with the --source, --delete-extra or --on-conflict it was made with\n")
        .doesNotContain("apply the plan with");
  }

  @Test
  void rollback_whoseTableIsRecreatedBeforeTheApply_dropsItsRecoveryTablesAndNamesItselfAgain() {
    CliRun run = confirmedAfter(this::recreateOrdersWithAnotherKey, rollback());

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err()).contains("was the table recreated since planning? Make a new plan\n");
    assertThat(run.out())
        .contains(
            "Nothing was written to orders: the plan no longer matches the table, so an apply of"
                + " it would be refused again; plan again with 'pitr --endpoint-url "
                + cli.local.endpoint()
                + " rollback orders --to "
                + t0
                + " --incident-end "
                + t1
                + " --state-dir "
                + state()
                + "'\n")
        .containsPattern("\nDropped recovery tables: orders-recovery-\\S+, orders-recovery-\\S+\n")
        .doesNotContain("apply the plan with");
    assertThat(incident.tables()).containsExactly("orders");
    assertThat(dir.resolve("state").resolve("rollbacks")).isEmptyDirectory();
  }

  @Test
  void rollback_whoseCheckpointTableIsMadeWithAnotherKeyMeanwhile_namesTheApplyThatCompletesIt() {
    CliRun refused =
        confirmedAfter(
            () -> createKeyedBy("pitr-checkpoints", "pk"),
            rollback("--checkpoint-table", "pitr-checkpoints"));

    assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(2);
    assertThat(refused.err())
        .endsWith(
            "error: Checkpoint table pitr-checkpoints has the key pk (S), but checkpoints need run"
                + " (S), part (S); pass a --checkpoint-table that does not exist yet (pitr creates"
                + " it) or one pitr created\n");
    List<String> recovery =
        incident.tables().stream().filter(t -> t.startsWith("orders-recovery-")).sorted().toList();
    assertThat(recovery).hasSize(2);
    Matcher m =
        Pattern.compile(
                Pattern.quote(
                        "Nothing was written to orders: the apply ended before its run was"
                            + " recorded, so there is no run to resume; checkpoint table"
                            + " pitr-checkpoints cannot keep it, so apply the plan with its"
                            + " checkpoints in the state folder: 'pitr --endpoint-url "
                            + cli.local.endpoint()
                            + " rollback --apply "
                            + state()
                            + "/rollbacks/")
                    + "([0-9a-f]+)"
                    + Pattern.quote("/plan.jsonl --state-dir " + state() + "', which drops the")
                    + " recovery tables \\S+, \\S+ when the rollback completes"
                    + Pattern.quote(
                        " (or add a --checkpoint-table that does not exist yet: pitr creates it)\n"))
            .matcher(refused.out());
    assertThat(m.find()).as(refused.out()).isTrue();
    String apply =
        refused
            .out()
            .substring(refused.out().indexOf("folder: '") + "folder: '".length())
            .replaceFirst("'.*(?s)", "");
    assertThat(incident.orders()).isEqualTo(Map.of("a", "bad", "c", "v1"));

    List<String> words = new ArrayList<>(List.of(apply.substring("pitr ".length()).split(" ")));
    CliRun applied = LocalCli.onClock(new CliRun(), cli.clock);
    applied.execute(words.toArray(String[]::new));

    assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
    assertThat(incident.orders()).isEqualTo(Map.of("a", "v1", "b", "v1", "c", "v1"));
    assertThat(incident.tables()).containsExactly("orders", "pitr-checkpoints");
  }
}
