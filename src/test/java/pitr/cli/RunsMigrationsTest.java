package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;

/** {@code pitr runs list|show --ledger-table}: migration runs next to copy-back runs. */
class RunsMigrationsTest {
  @TempDir Path dir;

  private final LocalEngine engine = LocalEngine.create();
  private final LocalServer server = LocalServer.start(engine, "127.0.0.1", 0);
  private final String endpoint = server.endpoint().toString();

  @AfterEach
  void stop() {
    server.close();
    engine.close();
  }

  /** Migrations 0001 (fails) and 0002 (writes nothing) over table {@code cars}, both run in dev. */
  private void runBoth() throws Exception {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.writeString(
        m.resolve("0001_fails.java"),
        migration("Fails", "Mono.error(new IllegalStateException(\"boom\"))"));
    Files.writeString(m.resolve("0002_quiet.java"), migration("Quiet", "Mono.empty()"));
    pitr(
        "migrate",
        "dev",
        "0002",
        "--dry-run",
        "--migrations-dir",
        m.toString(),
        "--seed",
        Path.of("migrations", "fixtures", "cars.jsonl").toAbsolutePath().toString());
    pitr("migrate", "dev", "0002", "--migrations-dir", m.toString());
    CliRun failed = new CliRun();
    failed.execute(
        "migrate", "dev", "0001", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);
    assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
  }

  private static String migration(String name, String body) {
    return "import java.util.Set;\n"
        + "import pitr.migrate.api.Migration;\n"
        + "import pitr.migrate.api.MigrationContext;\n"
        + "import reactor.core.publisher.Mono;\n\n"
        + "/** A test migration. */\n"
        + "class "
        + name
        + " implements Migration {\n"
        + "  @Override\n"
        + "  public Set<String> tables() {\n"
        + "    return Set.of(\"cars\");\n"
        + "  }\n\n"
        + "  @Override\n"
        + "  public Mono<Void> run(MigrationContext context) {\n"
        + "    return "
        + body
        + ";\n"
        + "  }\n"
        + "}\n";
  }

  private CliRun pitr(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint-url", endpoint));
    CliRun run = new CliRun();
    run.execute(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run;
  }

  private Path runs() {
    return dir.resolve("state").resolve("runs");
  }

  private JsonNode migrations() throws Exception {
    CliRun list =
        pitr(
            "--output",
            "json",
            "runs",
            "list",
            "--state-dir",
            dir.resolve("state").toString(),
            "--ledger-table",
            "pitr-ledger");
    return new ObjectMapper().readTree(list.out());
  }

  @Test
  void runsList_withLedgerTable_listsMigrationRunsWithTheirStateWorkersTimesAndCounts()
      throws Exception {
    runBoth();

    CliRun run =
        pitr(
            "runs",
            "list",
            "--state-dir",
            dir.resolve("state").toString(),
            "--ledger-table",
            "pitr-ledger");

    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("No copy-back or rollback runs in " + runs() + ".");
    assertThat(lines.get(1)).isEmpty();
    assertThat(lines.get(2))
        .matches("MIGRATION RUN +MIGRATION +STATE +WORKERS +STARTED +FINISHED +READ +WRITTEN");
    // The latest start first.
    assertThat(lines.get(3)).matches("\\S+ +0001_fails +failed +1 +\\S+Z +\\S+Z +0 +0");
    assertThat(lines.get(4)).matches("\\S+ +0002_quiet +succeeded +1 +\\S+Z +\\S+Z +0 +0");
    assertThat(lines).hasSize(5);
  }

  @Test
  void runsList_withOutputJson_addsMigrationRuns_failedOnesWithTheirResumeCommand()
      throws Exception {
    runBoth();

    JsonNode rows = migrations();

    assertThat(rows).hasSize(2);
    JsonNode failed = rows.get(0);
    assertThat(failed.get("kind").asText()).isEqualTo("migration");
    assertThat(failed.get("migration").asText()).isEqualTo("0001_fails");
    assertThat(failed.get("mode").asText()).isEqualTo("dev");
    assertThat(failed.get("state").asText()).isEqualTo("failed");
    assertThat(failed.get("workers").asInt()).isEqualTo(1);
    assertThat(failed.get("finishedAt").isNull()).isFalse();
    assertThat(failed.get("error").asText()).contains("boom");
    assertThat(failed.get("resume").asText())
        .isEqualTo("pitr migrate resume 0001_fails --endpoint-url " + endpoint);
    assertThat(rows.get(1).get("state").asText()).isEqualTo("succeeded");
    assertThat(rows.get(1).get("resume").isNull()).isTrue();
  }

  @Test
  void runsShow_ofAFailedMigrationRun_showsItWithTheCommandThatContinuesIt() throws Exception {
    runBoth();
    String runId = migrations().get(0).get("runId").asText();

    CliRun run =
        pitr(
            "runs",
            "show",
            runId,
            "--state-dir",
            dir.resolve("state").toString(),
            "--ledger-table",
            "pitr-ledger");

    String resume = "pitr migrate resume 0001_fails --endpoint-url " + endpoint;
    assertThat(run.out())
        .startsWith(
            "run:            "
                + runId
                + "\nkind:           migration\nmigration:      0001_fails\nmode:           dev\n"
                + "state:          failed\nworkers:        1\nattempts:       1\n")
        .containsPattern("\nstarted:        \\S+Z\nfinished:       \\S+Z\n")
        .contains("\nitems read:     0\nitems written:  0\nerror:          ")
        .endsWith(
            "\nledger:         table pitr-ledger\nresume:         "
                + resume
                + "\nnext:           fix the cause, then continue it with "
                + resume
                + ", or undo it with pitr migrate rollback 0001_fails\n");
  }

  @Test
  void runsShow_ofAnUnknownRun_withLedgerTable_saysNeitherStoreHasIt() throws Exception {
    CliRun run = new CliRun();

    int code =
        run.execute(
            "runs",
            "show",
            "20260101T000000Z-abcdef",
            "--state-dir",
            dir.resolve("state").toString(),
            "--ledger-table",
            "pitr-ledger",
            "--endpoint-url",
            endpoint);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "note: Ledger table pitr-ledger does not exist in "
                + endpoint
                + " (no migration has run there)\n"
                + "error: No run 20260101T000000Z-abcdef in "
                + runs()
                + "; see pitr runs list, and check --state-dir or --checkpoint-table; nor is it a"
                + " migration run of ledger table pitr-ledger\n");
  }

  @Test
  void runsList_withLedgerTableNotThere_saysSo_andCreatesNothing() throws Exception {
    CliRun run =
        pitr(
            "runs",
            "list",
            "--state-dir",
            dir.resolve("state").toString(),
            "--ledger-table",
            "nope");

    assertThat(run.out())
        .isEqualTo(
            "No copy-back or rollback runs in "
                + runs()
                + ".\n\nNo migration runs in ledger table nope.\n");
    assertThat(
            engine
                .listTables(
                    software.amazon.awssdk.services.dynamodb.model.ListTablesRequest.builder()
                        .build())
                .tableNames())
        .doesNotContain("nope");
  }
}
