package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class MigrateRollbackCommandTest {
  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  private Path migrations() throws Exception {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.copy(
        Path.of("migrations", "0001_cars_get_a_price.java"),
        m.resolve("0001_cars_get_a_price.java"));
    return m;
  }

  private Map<String, Map<String, AttributeValue>> cars() {
    Map<String, Map<String, AttributeValue>> out = new TreeMap<>();
    local
        .client
        .scan(r -> r.tableName("cars"))
        .join()
        .items()
        .forEach(i -> out.put(i.get("pk").s(), i));
    return out;
  }

  @Test
  void migrateRollback_restoresExactlyTheJournaledKeys_keepsLaterEdits_andMarksTheRunRolledBack()
      throws Exception {
    Path m = migrations();
    CliRun seed = new CliRun();
    assertThat(
            seed.execute(
                "migrate",
                "dev",
                "0001",
                "--dry-run",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                local.endpoint,
                "--seed",
                Path.of("migrations", "fixtures", "cars.jsonl").toAbsolutePath().toString()))
        .as(seed.err())
        .isZero();
    local
        .client
        .updateContinuousBackups(
            r ->
                r.tableName("cars")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
    Map<String, Map<String, AttributeValue>> before = cars();
    CliRun dev = new CliRun();
    assertThat(
            dev.execute(
                "migrate",
                "dev",
                "0001",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(dev.err())
        .isZero();
    Map<String, Map<String, AttributeValue>> migrated = cars();
    assertThat(migrated.get("car#001")).containsKey("price");
    assertThat(migrated.get("car#006")).doesNotContainKey("price");
    // After the run: someone reprices car#002 (journaled) and edits car#006 (never journaled).
    local
        .client
        .updateItem(
            r ->
                r.tableName("cars")
                    .key(Map.of("pk", AttributeValue.fromS("car#002")))
                    .updateExpression("SET price = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromN("1"))))
        .join();
    local
        .client
        .updateItem(
            r ->
                r.tableName("cars")
                    .key(Map.of("pk", AttributeValue.fromS("car#006")))
                    .updateExpression("SET colour = :c")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("red"))))
        .join();

    CliRun run = new CliRun();
    int code =
        run.execute(
            "migrate",
            "rollback",
            "0001",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(code).as(run.err() + run.out()).isZero();
    Map<String, Map<String, AttributeValue>> after = cars();
    assertThat(after.get("car#002").get("price").n()).isEqualTo("1");
    after.keySet().stream()
        .filter(pk -> !pk.equals("car#002") && !pk.equals("car#006"))
        .forEach(pk -> assertThat(after.get(pk)).as(pk).isEqualTo(before.get(pk)));
    assertThat(after.get("car#006").get("colour").s()).isEqualTo("red");
    assertThat(run.out())
        .contains("scope: migration 0001_cars_get_a_price run ")
        .contains("conflict  1   e.g. {\"pk\":{\"S\":\"car#002\"}}")
        .contains("is ROLLED_BACK in pitr-ledger");
    CliRun list = new CliRun();
    list.execute(
        "migrate", "list", "--migrations-dir", m.toString(), "--endpoint-url", local.endpoint);
    assertThat(list.out()).contains("0001_cars_get_a_price                rolled_back");
    assertThat(local.client.listTables().join().tableNames()).doesNotContain("cars-recovery");
    assertThat(local.client.listTables().join().tableNames())
        .noneMatch(t -> t.contains("recovery"));
  }

  @Test
  void migrateRollback_ofAMigrationThatNeverRan_saysSoWithExitCode2() throws Exception {
    Path m = migrations();
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "rollback",
            "0001",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .contains("Migration 0001_cars_get_a_price has no run to roll back in pitr-ledger");
  }
}
