package pitr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The table {@code counters} (string {@code pk}, number {@code hits}) and migration 0001_count_hit,
 * which counts one more hit on every counter and is not idempotent on purpose: an item a resumed
 * run wrote twice shows two hits. With the migration ledger's records, to check a run's status and
 * counts.
 */
final class Counters {
  private final RollbackTestEngine local;
  private final DynamoDbAsyncClient client;

  Counters(RollbackTestEngine local) {
    this.local = local;
    this.client = local.client;
  }

  /**
   * Writes 0001_count_hit into {@code dir/migrations} and returns that folder; {@code scan} is how
   * it scans, as calls after {@code ScanOptions.defaults()}: {@code "segments(2).pageSize(40)"}.
   */
  static Path migration(Path dir, String scan) throws IOException {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.writeString(
        m.resolve("0001_count_hit.java"),
        """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Counts one more hit on every counter. Not idempotent on purpose. */
        class CountHit implements Migration {
          public Set<String> tables() {
            return Set.of("counters");
          }

          public Mono<Void> run(MigrationContext c) {
            MigrationTable t = c.table("counters");
            return t.forEachItem(
                    ScanOptions.defaults().%s,
                    i -> t.update(i, Update.set("hits", AttributeValue.fromN(
                        Long.toString(Long.parseLong(i.get("hits").n()) + 1)))))
                .then();
          }
        }
        """
            .formatted(scan));
    return m;
  }

  /** Creates the table with {@code items} counters {@code c000} ... at 0 hits. */
  void seed(int items) {
    local.createTable("counters");
    putZeros(items);
  }

  /** As {@link #seed}, with point-in-time recovery turned on before the counters are written. */
  void seedWithPitr(int items) {
    local.createTable("counters");
    local.enablePitr("counters");
    putZeros(items);
  }

  private void putZeros(int items) {
    for (int i = 0; i < items; i++) {
      String pk = String.format("c%03d", i);
      client
          .putItem(
              r ->
                  r.tableName("counters")
                      .item(
                          Map.of(
                              "pk", AttributeValue.fromS(pk), "hits", AttributeValue.fromN("0"))))
          .join();
    }
  }

  /** pk to hits of every counter. */
  Map<String, Long> hits() {
    return RollbackTestEngine.byPk(client, "counters", i -> Long.parseLong(i.get("hits").n()));
  }

  /** How many counters have at least one hit. */
  long counted() {
    return hits().values().stream().filter(h -> h > 0).count();
  }

  /** The records of pitr-ledger under {@code pk}: {@code run} for the runs, {@code lock}. */
  List<Map<String, AttributeValue>> ledger(String pk) {
    return client
        .query(
            r ->
                r.tableName("pitr-ledger")
                    .consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))))
        .join()
        .items();
  }
}
