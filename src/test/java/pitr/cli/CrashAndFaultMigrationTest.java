package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pitr.dynamo.LocalTarget;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A migration that is not idempotent killed at random points, then resumed or rolled back: every
 * item ends with exactly one hit, or as before (see {@link CrashAndFaultFixture}).
 */
@Tag("chaos")
class CrashAndFaultMigrationTest extends CrashAndFaultFixture {
  private static final int COUNTERS = 300;

  @Test
  void migration_killedAtRandomPoints_resumesExactlyOnceAndRollsBack() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("migrate", trial);
      Path migrations = countersMigration(dir.resolve("m-" + trial), trial);
      String table = "chaos-counters-" + trial;
      seedCounters(table);
      Map<String, Map<String, AttributeValue>> before = contents(table);

      long killAt = 10 + r.nextInt(COUNTERS - 20);
      Child child =
          child(
              "migrate",
              "dev",
              "0001",
              "--migrations-dir",
              migrations.toString(),
              "--max-wcu",
              "150");
      long killedAfter = child.killWhen(() -> countHits(table, 1), killAt);

      // Alternate, so that two trials try both ways out of a killed run.
      boolean rollBack = trial % 2 == 1;
      CliRun after = CliRun.anHourLater();
      int code =
          rollBack
              ? after.execute(
                  "--endpoint-url",
                  local.endpoint(),
                  "migrate",
                  "rollback",
                  "0001",
                  "--yes",
                  "--migrations-dir",
                  migrations.toString())
              : after.execute(
                  "--endpoint-url",
                  local.endpoint(),
                  "migrate",
                  "resume",
                  "0001",
                  "--migrations-dir",
                  migrations.toString());
      String scenario = rollBack ? "migrate rollback" : "migrate resume";
      assertThat(code).as(replay(scenario, trial) + ": " + after.err() + after.out()).isZero();

      Map<String, Map<String, AttributeValue>> expected = new HashMap<>();
      before.forEach(
          (k, item) -> {
            Map<String, AttributeValue> e = new HashMap<>(item);
            if (!rollBack) {
              e.put("hits", AttributeValue.fromN("1"));
            }
            expected.put(k, e);
          });
      long lost = compare(scenario, trial, killedAfter, 1, expected, table);
      assertThat(lost).as(replay(scenario, trial)).isZero();
    }
  }

  private static long countHits(String table, int hits) {
    return contents(table).values().stream()
        .filter(i -> i.containsKey("hits") && Integer.parseInt(i.get("hits").n()) >= hits)
        .count();
  }

  private static void seedCounters(String table) {
    local.createTable(table);
    local.enablePitr(table);
    for (int i = 0; i < COUNTERS; i++) {
      Map<String, AttributeValue> item = new HashMap<>(LocalTarget.item(i, "c", 20));
      item.put("hits", AttributeValue.fromN("0"));
      local.client.putItem(p -> p.tableName(table).item(item)).join();
    }
  }

  /**
   * A migration that is not idempotent ({@code hits = hits + 1}, no condition) over the counters
   * table of this trial: run once, every item ends with one more hit; run twice, two.
   */
  private static Path countersMigration(Path dir, int trial) throws IOException {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.writeString(
        m.resolve("0001_count_a_hit.java"),
        """
        import java.math.BigDecimal;
        import java.util.HashMap;
        import java.util.Map;
        import java.util.Set;
        import pitr.migrate.api.Migration;
        import pitr.migrate.api.MigrationContext;
        import pitr.migrate.api.MigrationTable;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /**
         * Count a hit: every item's hits goes up by one, unconditionally.
         *
         * Execution Time: (not run yet)
         * Finalization Time: (not run yet)
         */
        class CountAHit implements Migration {
          @Override
          public Set<String> tables() {
            return Set.of("TABLE");
          }

          @Override
          public Mono<Void> run(MigrationContext context) {
            MigrationTable t = context.table("TABLE");
            return t.forEachItem(
                    item -> {
                      Map<String, AttributeValue> next = new HashMap<>(item);
                      BigDecimal hits = new BigDecimal(item.get("hits").n());
                      next.put("hits", AttributeValue.fromN(hits.add(BigDecimal.ONE).toString()));
                      return t.put(next);
                    })
                .then();
          }
        }
        """
            .replace("TABLE", "chaos-counters-" + trial));
    return m;
  }
}
