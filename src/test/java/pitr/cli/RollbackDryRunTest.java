package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollback --dry-run}: the plan of an incident made and printed (or a saved plan read and
 * checked) with nothing written to the table, no question asked, no run recorded and the recovery
 * tables dropped; and the options it cannot go with refused before anything is restored.
 */
class RollbackDryRunTest {
  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  private static final Map<String, String> AFTER_INCIDENT = Map.of("a", "bad", "b", "bad");

  /** a, b, c at v1; T0; the incident sets a and b to bad and deletes c; T1. */
  private Instant[] incident() {
    return local.incident();
  }

  private int code;

  /**
   * {@code rollback ARGS} on the engine with the test's state folder; no answer to any question.
   */
  private CliRun rollback(String... args) {
    return pitr(List.of(), args);
  }

  /** As {@link #rollback}, with options of pitr itself ({@code global}) first. */
  private CliRun pitr(List<String> global, String... args) {
    CliRun run = new CliRun();
    run.commandLine.getSubcommands().get("rollback").<RollbackCommand>getCommand().input =
        new java.io.BufferedReader(new java.io.StringReader(""));
    List<String> all = new ArrayList<>(global);
    all.addAll(List.of("--endpoint-url", local.endpoint, "rollback"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state-dir", dir.resolve("state").toString()));
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  private List<String> tables() {
    return local.client.listTables().join().tableNames();
  }

  /** Files the runs left in the state folder: none for a dry run. */
  private List<Path> stateFiles() throws Exception {
    Path state = dir.resolve("state");
    if (!Files.exists(state)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(state)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void dryRun_printsThePlan_writesNothing_asksNothing_andDropsTheRecoveryTables() throws Exception {
    Instant[] t = incident();

    CliRun run =
        rollback("orders", "--to", t[0].toString(), "--incident-end", t[1].toString(), "--dry-run");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("restore   3")
        .contains(
            "Dry run: nothing was written to orders. Apply it by running the command again"
                + " without --dry-run, or save it with --plan FILE and apply that with --apply"
                + " FILE\n")
        .doesNotContain("Apply this plan")
        .contains("Dropped recovery tables: ");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
    assertThat(tables()).containsExactly("orders");
    assertThat(stateFiles()).isEmpty();
  }

  @Test
  void dryRun_withOutputJson_printsThePlanAlone() throws Exception {
    Instant[] t = incident();

    CliRun run = pitr(List.of("--output", "json"), "orders", "--to", t[0].toString(), "--dry-run");

    assertThat(code).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.path("plan").path("table").asText()).isEqualTo("orders");
    assertThat(json.has("result")).isFalse();
    assertThat(json.has("savedTo")).isFalse();
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void dryRun_ofASavedPlan_readsAndChecksIt_andWritesNothing() throws Exception {
    Instant[] t = incident();
    Path plan = dir.resolve("plan.jsonl");
    rollback(
        "orders",
        "--to",
        t[0].toString(),
        "--incident-end",
        t[1].toString(),
        "--plan",
        plan.toString());
    assertThat(code).isZero();

    CliRun run = rollback("--apply", plan.toString(), "--dry-run");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("restore   3")
        .endsWith(
            "Dry run: nothing was written. Apply it with 'pitr rollback --apply " + plan + "'\n");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
    assertThat(stateFiles()).isEmpty();

    Files.writeString(plan, Files.readString(plan).replace("\"RESTORE\"", "\"NUKE\""));
    CliRun edited = rollback("--apply", plan.toString(), "--dry-run");

    assertThat(code).isEqualTo(2);
    assertThat(edited.err()).contains("cannot be trusted");
  }

  @Test
  void dryRun_withPlanOrResume_exits2_andRestoresNothing() {
    Instant[] t = incident();

    CliRun withPlan =
        rollback(
            "orders", "--to", t[0].toString(), "--dry-run", "--plan", dir.resolve("p").toString());

    assertThat(code).isEqualTo(2);
    assertThat(withPlan.err())
        .isEqualTo(
            "error: --dry-run stops before the first write, so it cannot go with --plan FILE"
                + " (which writes nothing to the table either); drop one of them. Nothing was"
                + " changed.\n");

    CliRun withResume = rollback("--apply", "plan.jsonl", "--resume", "abcd", "--dry-run");

    assertThat(code).isEqualTo(2);
    assertThat(withResume.err())
        .isEqualTo(
            "error: --dry-run stops before the first write, so it cannot go with --resume; drop"
                + " one of them. Nothing was changed.\n");
    assertThat(tables()).containsExactly("orders");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }
}
