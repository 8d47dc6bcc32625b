package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code pitr migrate rollback NAME --source export --bucket B} on the command line, against an
 * engine that writes exports to a directory laid out as buckets: exit codes, messages, and that a
 * refusal changes nothing.
 */
class MigrateRollbackExportTest {
  @TempDir Path dir;
  private LocalCli cli;
  private Path migrations;
  private Map<String, Map<String, AttributeValue>> before;

  /** Cars seeded with PITR on; a minute later 0001 prices them; then car#002 is repriced. */
  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(dir.resolve("s3/exports"));
    cli =
        new LocalCli(
            EngineConfig.defaults()
                .withRestoreLag(Duration.ZERO)
                .withExports(EngineConfig.Exports.DEFAULTS.withDirectory(dir.resolve("s3"))));
    migrations = RollbackTestEngine.carsMigration(dir);
    assertThat(
            migrate(
                "dev",
                "0001",
                "--dry-run",
                "--seed",
                Path.of("migrations", "fixtures", "cars.jsonl").toAbsolutePath().toString()))
        .as(cli.last.err())
        .isZero();
    cli.local.enablePitr("cars");
    before = cars();
    cli.clock.advance(Duration.ofMinutes(1));
    assertThat(migrate("dev", "0001")).as(cli.last.err()).isZero();
    cli.local
        .client
        .updateItem(
            r ->
                r.tableName("cars")
                    .key(Map.of("pk", AttributeValue.fromS("car#002")))
                    .updateExpression("SET price = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromN("1"))))
        .join();
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  private int migrate(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("migrate"));
    all.addAll(List.of(args));
    all.addAll(List.of("--migrations-dir", migrations.toString()));
    if (args[0].equals("rollback")) {
      all.addAll(List.of("--state-dir", dir.resolve("state").toString()));
    }
    return cli.exit(all.toArray(String[]::new));
  }

  private int rollback(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("rollback", "0001"));
    all.addAll(List.of(args));
    return migrate(all.toArray(String[]::new));
  }

  private Map<String, Map<String, AttributeValue>> cars() {
    return new TreeMap<>(cli.local.contents("cars"));
  }

  private int exports() {
    return cli.local.client.listExports(r -> {}).join().exportSummaries().size();
  }

  private String runStatus() {
    return cli.local
        .client
        .query(
            r ->
                r.tableName("pitr-ledger")
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("run")))
                    .consistentRead(true))
        .join()
        .items()
        .get(0)
        .get("status")
        .s();
  }

  private String restorePoint() {
    return cli.local
        .client
        .query(
            r ->
                r.tableName("pitr-ledger")
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("run")))
                    .consistentRead(true))
        .join()
        .items()
        .get(0)
        .get("restorePoint")
        .s();
  }

  @Test
  void
      migrateRollbackFromExport_putsBackTheJournaledItems_keepsTheLaterEdit_andMakesNoRecoveryTable()
          throws Exception {
    cli.clock.advance(Duration.ofMinutes(20));

    int code =
        rollback(
            "--bucket",
            "exports",
            "--prefix",
            "rb",
            "--export-dir",
            dir.resolve("s3").toString(),
            "--yes");

    assertThat(code).as(cli.last.err() + cli.last.out()).isZero();
    assertThat(cli.last.out())
        .contains(" to its restore point " + restorePoint() + " from exports to s3://exports/rb")
        .contains("scope: migration 0001_cars_get_a_price run ")
        .contains(", from export arn:aws:dynamodb:")
        .contains("conflict  1   e.g. {\"pk\":{\"S\":\"car#002\"}}")
        .contains("is ROLLED_BACK in pitr-ledger")
        .doesNotContain("recovery table");
    Map<String, Map<String, AttributeValue>> after = cars();
    assertThat(after.get("car#002").get("price").n()).isEqualTo("1");
    after.keySet().stream()
        .filter(pk -> !pk.equals("car#002"))
        .forEach(pk -> assertThat(after.get(pk)).as(pk).isEqualTo(before.get(pk)));
    assertThat(exports()).isEqualTo(1);
    assertThat(cli.local.client.listTables().join().tableNames())
        .noneMatch(t -> t.contains("recovery"));
    assertThat(runStatus()).isEqualTo("ROLLED_BACK");
  }

  @Test
  void
      migrateRollbackFromExport_tooSoonAfterTheRestorePoint_exitsThree_namingTheRestoreSource_andChangesNothing() {
    Map<String, Map<String, AttributeValue>> migrated = cars();
    cli.clock.advance(Duration.ofMinutes(5));

    int code =
        rollback(
            "--source",
            "export",
            "--bucket",
            "exports",
            "--export-dir",
            dir.resolve("s3").toString(),
            "--yes");

    assertThat(code).as(cli.last.out()).isEqualTo(3);
    assertThat(cli.last.err())
        .startsWith(
            "error: Cannot roll back from an export: an incremental export covers at least 15m,"
                + " so table"
                + " cars can be exported from the restore point "
                + restorePoint())
        .contains(
            "; wait until then; or roll back from the run's journal and a restore instead:"
                + " 'pitr migrate rollback 0001_cars_get_a_price --source restore'. Nothing was"
                + " changed.");
    assertThat(cars()).isEqualTo(migrated);
    assertThat(exports()).isZero();
    assertThat(runStatus()).isEqualTo("SUCCEEDED");
  }

  @Test
  void migrateRollback_withBadExportOptions_exitsTwoBeforeAnything() {
    Map<String, Map<String, AttributeValue>> migrated = cars();
    cli.clock.advance(Duration.ofMinutes(20));
    String s3 = dir.resolve("s3").toString();

    assertThat(rollback("--export", "arn:aws:dynamodb:x", "--export-dir", s3, "--yes"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "--export names one export of one table, and 'pitr migrate rollback' exports every"
                + " table the run wrote from its restore point; pass --bucket BUCKET instead");
    assertThat(rollback("--source", "restore", "--bucket", "exports", "--yes")).isEqualTo(2);
    assertThat(cli.last.err())
        .contains("--bucket is for --source export; drop it to roll back from a restore");
    assertThat(rollback("--source", "export", "--yes")).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "Give --bucket BUCKET to export the window to, or --export ARN to use an export made"
                + " before with 'pitr export'");
    assertThat(rollback("--bucket", "exports", "--resume", "0123abcd", "--yes")).isEqualTo(2);
    assertThat(cli.last.err())
        .contains(
            "--resume 0123abcd applies the plans rollback 0123abcd saved, wherever their images"
                + " came from; drop --source and --bucket");
    assertThat(rollback("--source", "exported", "--yes")).isEqualTo(2);
    assertThat(cli.last.err()).contains("--source exported is not known; pass restore or export");
    assertThat(cars()).isEqualTo(migrated);
    assertThat(exports()).isZero();
    assertThat(runStatus()).isEqualTo("SUCCEEDED");
  }

  @Test
  void migrateRollbackFromExport_dryRun_namesEachTablesWindow_andExportsNothing() {
    cli.clock.advance(Duration.ofMinutes(20));

    int code =
        rollback("--bucket", "exports", "--export-dir", dir.resolve("s3").toString(), "--dry-run");

    assertThat(code).as(cli.last.err()).isZero();
    String rp = restorePoint();
    assertThat(cli.last.out())
        .contains(" by taking the items' images at " + rp + " from exports to s3://exports/")
        .contains("  export cars [" + rp + ", ")
        .contains(
            "Nothing was exported or written. 'pitr migrate rollback 0001_cars_get_a_price"
                + " --source export --bucket exports --plan FILE' exports and saves the"
                + " item-by-item plan, conflicts included.");
    assertThat(exports()).isZero();
  }
}
