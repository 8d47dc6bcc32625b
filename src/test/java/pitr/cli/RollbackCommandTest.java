package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackCommandTest {
  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  /** a, b, c at v1; T0; the incident sets a and b to bad and deletes c; T1. */
  private Instant[] incident() {
    local.createOrders();
    local.put("a", "v1");
    local.put("b", "v1");
    local.put("c", "v1");
    Instant t0 = RollbackTestEngine.mark();
    local.put("a", "bad");
    local.put("b", "bad");
    local.delete("c");
    Instant t1 = RollbackTestEngine.mark();
    return new Instant[] {t0, t1};
  }

  @Test
  void rollback_withIncidentEnd_restoresUntouchedItemsAndKeepsConflicts() {
    Instant[] t = incident();
    local.put("b", "customer-edit");
    local.put("d", "new-after-incident");

    CliRun run = new CliRun();
    int code =
        run.execute(
            "rollback",
            "orders",
            "--to",
            t[0].toString(),
            "--incident-end",
            t[1].toString(),
            "--yes",
            "--endpoint-url",
            local.endpoint);

    assertThat(code).as(run.err()).isZero();
    assertThat(local.orders())
        .containsEntry("a", "v1")
        .containsEntry("b", "customer-edit")
        .containsEntry("c", "v1")
        .containsEntry("d", "new-after-incident");
    assertThat(run.out())
        .contains("restore   2")
        .contains("conflict  1   e.g. {\"pk\":{\"S\":\"b\"}}")
        .contains("Conflicts kept as they are: 1")
        .contains("Verified: every written item reads back as planned");
    assertThat(local.client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void apply_afterAConcurrentWrite_reportsThatItemAsAConflictAndLeavesIt() throws Exception {
    Instant[] t = incident();
    Path plan = dir.resolve("plan.jsonl");
    CliRun planning = new CliRun();
    assertThat(
            planning.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--incident-end",
                t[1].toString(),
                "--plan",
                plan.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(planning.err())
        .isZero();
    assertThat(planning.out()).contains("Plan saved to " + plan);
    assertThat(Files.readAllLines(plan))
        .hasSize(4)
        .first()
        .asString()
        .contains("\"pitrRollbackPlan\":1");
    assertThat(local.orders()).containsEntry("a", "bad");

    local.put("a", "written-between-plan-and-apply");
    CliRun applying = new CliRun();
    int code =
        applying.execute("rollback", "--apply", plan.toString(), "--endpoint-url", local.endpoint);

    assertThat(code).as(applying.err()).isZero();
    assertThat(local.orders())
        .containsEntry("a", "written-between-plan-and-apply")
        .containsEntry("b", "v1")
        .containsEntry("c", "v1");
    assertThat(applying.out())
        .contains("Conflicts kept as they are: 1 (e.g. {\"pk\":{\"S\":\"a\"}})")
        .contains("of which changed between planning and applying: 1");
  }

  @Test
  void rollback_withoutIncidentEnd_deletesItemsCreatedAfterT0OnlyWithDeleteExtra() {
    Instant[] t = incident();
    local.put("d", "created-later");

    CliRun keep = new CliRun();
    assertThat(
            keep.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--yes",
                "--endpoint-url",
                local.endpoint))
        .as(keep.err())
        .isZero();
    assertThat(local.orders())
        .containsEntry("d", "created-later")
        .containsEntry("a", "v1")
        .containsEntry("c", "v1");
    assertThat(keep.out()).contains("extra     1");

    CliRun delete = new CliRun();
    assertThat(
            delete.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--delete-extra",
                "--yes",
                "--endpoint-url",
                local.endpoint))
        .as(delete.err())
        .isZero();
    assertThat(local.orders()).containsOnlyKeys("a", "b", "c").containsValues("v1");
  }

  @Test
  void rollback_withoutYes_asksAndWritesNothingWhenRefused() {
    Instant[] t = incident();
    CliRun run = new CliRun();
    run.commandLine.getSubcommands().get("rollback").<RollbackCommand>getCommand().input =
        new java.io.BufferedReader(new java.io.StringReader("n\n"));

    int code =
        run.execute(
            "rollback", "orders", "--to", t[0].toString(), "--endpoint-url", local.endpoint);

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .contains("Not confirmed; nothing was written. Pass --yes to skip the question");
    assertThat(local.orders()).containsEntry("a", "bad");
    assertThat(local.client.listTables().join().tableNames()).containsExactly("orders");
  }
}
