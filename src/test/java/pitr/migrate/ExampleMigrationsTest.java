package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.AdjustableClock;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The shipped migrations: every file in migrations/ passes the lint; the examples do their job. */
class ExampleMigrationsTest {
  private static final Path MIGRATIONS = Path.of("migrations");

  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final MigrationEnvironment env = local.environment(clock);

  @AfterEach
  void stop() {
    local.close();
  }

  @Test
  void lint_passesOnEveryMigrationInTheRepository() {
    var results = new MigrationLint(new MigrationCatalog(MIGRATIONS)).lintAll();

    assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.problems()).isEmpty());
  }

  private RunReport runExample(String name, String fixture) {
    env.seeder().seed(MIGRATIONS.resolve("fixtures").resolve(fixture)).block();
    MigrationFile file = new MigrationCatalog(MIGRATIONS).resolve(name);
    return MigrationTestTarget.runner(env, MIGRATIONS)
        .run(RunRequest.of(file, RunMode.DEV, "test", "test"))
        .block();
  }

  private static Map<String, String> attribute(
      Map<String, Map<String, AttributeValue>> items, String name) {
    return items.entrySet().stream()
        .filter(e -> e.getValue().containsKey(name))
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> {
                  AttributeValue v = e.getValue().get(name);
                  return v.n() != null ? v.n() : v.s();
                }));
  }

  @Test
  void carsGetAPrice_pricesEveryCarWithMsrp_skipsTheRest_andKeepsExistingPrices() {
    RunReport report = runExample("0001_cars_get_a_price", "cars.jsonl");

    Map<String, Map<String, AttributeValue>> cars = local.items("cars", "pk");
    assertThat(attribute(cars, "price"))
        .containsOnly(
            Map.entry("car#001", "52000"),
            Map.entry("car#002", "17340"),
            Map.entry("car#003", "7920"),
            Map.entry("car#004", "25179"),
            Map.entry("car#005", "2362"),
            Map.entry("car#007", "1"));
    assertThat(cars.get("car#006")).doesNotContainKey("price");
    assertThat(cars.get("car#001"))
        .containsEntry("make", AttributeValue.fromS("Volvo"))
        .containsEntry("msrp", AttributeValue.fromN("52000"));
    assertThat(report.tables())
        .containsExactly(new RunReport.TableReport("cars", 7, 0, 5, 0, 1, 5.0));
    assertThat(report.counters()).containsExactly(Map.entry("skipped.no-msrp", 1L));
  }

  @Test
  void removeRootUrl_removesItFromSitesOnly() {
    RunReport report = runExample("0002_remove_root_url", "tenants.jsonl");

    Map<String, Map<String, AttributeValue>> items = local.items("tenants", "pk", "sk");
    assertThat(attribute(items, "rootUrl"))
        .containsOnly(
            Map.entry("ORG#acme|ORG#acme", "https://acme.example"),
            Map.entry("ORG#acme|USER#ann", "https://acme.example/ann"));
    assertThat(items.get("ORG#acme|SITE#blog"))
        .containsEntry("title", AttributeValue.fromS("Blog"))
        .containsEntry("tags", AttributeValue.fromSs(java.util.List.of("news", "tech")));
    assertThat(items).hasSize(7);
    assertThat(report.tables())
        .containsExactly(new RunReport.TableReport("tenants", 3, 0, 3, 0, 0, 3.0));
  }
}
