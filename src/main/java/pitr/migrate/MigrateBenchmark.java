package pitr.migrate;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.migrate.api.RunMode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Measures a migration that updates every item of a table, through the whole runner (compile,
 * ledger, lock, checkpoints, rate budget unlimited), with the journal on and off, in interleaved
 * rounds so a noisy machine affects both alike. Reports items per second per round and the medians;
 * the journal overhead is the ratio of the medians.
 */
public final class MigrateBenchmark {
  static final String TABLE = "bench-items";

  /**
   * The outcome.
   *
   * @param items items in the table
   * @param withJournal items per second of each round with the journal on
   * @param withoutJournal items per second of each round with the journal off
   */
  public record Result(long items, List<Double> withJournal, List<Double> withoutJournal) {
    public double medianWithJournal() {
      return median(withJournal);
    }

    public double medianWithoutJournal() {
      return median(withoutJournal);
    }

    /** Time with the journal over time without: 1.25 means journaling costs 25 % more time. */
    public double overhead() {
      return medianWithoutJournal() / medianWithJournal();
    }
  }

  private final MigrationEnvironment env;
  private final Path dir;

  /** A benchmark in {@code env}, writing its migration to {@code dir}. */
  public MigrateBenchmark(MigrationEnvironment env, Path dir) {
    this.env = env;
    this.dir = dir;
  }

  /** Seeds {@code items} items, then runs {@code rounds} rounds of each mode, interleaved. */
  public Mono<Result> run(long items, int rounds) {
    MigrationFile file = writeMigration();
    MigrationRunner runner = env.runner(dir, new SimpleMeterRegistry());
    List<Double> on = new ArrayList<>();
    List<Double> off = new ArrayList<>();
    return seed(items)
        .thenMany(
            Flux.range(0, rounds * 2)
                .concatMap(
                    i -> {
                      boolean journal = i % 2 == 0;
                      return round(runner, file, journal)
                          .doOnNext(ips -> (journal ? on : off).add(ips));
                    }))
        .then(Mono.fromSupplier(() -> new Result(items, List.copyOf(on), List.copyOf(off))));
  }

  private Mono<Double> round(MigrationRunner runner, MigrationFile file, boolean journal) {
    RunRequest request =
        RunRequest.of(file, RunMode.DEV, "bench", "bench").withMaxWcu(0).withJournal(journal);
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return runner
              .run(request)
              .map(r -> r.itemsWritten() / ((System.nanoTime() - start) / 1e9))
              // Drop this round's journal so memory stays flat over rounds.
              .flatMap(
                  ips ->
                      env.db()
                          .findTable(env.journalTable())
                          .flatMap(t -> env.db().deleteTable(t.tableName()))
                          .thenReturn(ips));
        });
  }

  private Mono<Void> seed(long items) {
    CreateTableRequest create =
        CreateTableRequest.builder()
            .tableName(TABLE)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
            .build();
    String payload = "x".repeat(100);
    AdaptiveRateLimiter unlimited = AdaptiveRateLimiter.create(0, env.scheduler());
    return FixtureSeeder.createIfMissing(env.db(), create, java.time.Duration.ofMinutes(1))
        .thenMany(Flux.range(0, (int) items))
        .map(
            i ->
                WriteRequest.builder()
                    .putRequest(
                        PutRequest.builder()
                            .item(
                                Map.of(
                                    "pk",
                                    AttributeValue.fromS(
                                        String.format(Locale.ROOT, "item#%08d", i)),
                                    "n",
                                    AttributeValue.fromN("0"),
                                    "payload",
                                    AttributeValue.fromS(payload)))
                            .build())
                    .build())
        .buffer(25)
        .flatMap(batch -> BatchWrites.write(env.db(), TABLE, batch, unlimited), 8)
        .then();
  }

  private MigrationFile writeMigration() {
    Path path = dir.resolve("0001_bench_touch_every_item.java");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          path,
          """
          import java.util.Set;
          import pitr.migrate.api.Migration;
          import pitr.migrate.api.MigrationContext;
          import pitr.migrate.api.MigrationTable;
          import pitr.migrate.api.ScanOptions;
          import pitr.migrate.api.Update;
          import reactor.core.publisher.Mono;
          import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

          /** Benchmark: adds one to n on every item. */
          class BenchTouchEveryItem implements Migration {
            @Override
            public Set<String> tables() {
              return Set.of("%s");
            }

            @Override
            public Mono<Void> run(MigrationContext context) {
              MigrationTable t = context.table("%s");
              return t.forEachItem(
                      ScanOptions.defaults().segments(8).concurrency(32),
                      item ->
                          t.update(
                              item,
                              Update.set(
                                  "n",
                                  AttributeValue.fromN(
                                      Long.toString(Long.parseLong(item.get("n").n()) + 1)))))
                  .then();
            }
          }
          """
              .formatted(TABLE, TABLE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return MigrationFile.of(path);
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
