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
 * rounds so a noisy machine affects both alike, after warm-up rounds that are not counted (the
 * first rounds run before the JIT compiler has done its work). Reports per round the items per
 * second and the process CPU time per item, and their medians; the journal overhead is the ratio of
 * the medians. On a shared machine the CPU ratio is the steadier one: other processes slow the wall
 * clock of both modes, but hardly the CPU time each spends.
 */
public final class MigrateBenchmark {
  static final String TABLE = "bench-items";

  /**
   * One measured round: items per second, process CPU microseconds per item, and the write capacity
   * the journal consumed per item written (intents, corrections, commit markers; 0 with the journal
   * off).
   */
  public record Round(double itemsPerSecond, double cpuMicrosPerItem, double journalWcuPerItem) {}

  /**
   * The outcome.
   *
   * @param items items in the table
   * @param withJournal each counted round with the journal on
   * @param withoutJournal each counted round with the journal off
   */
  public record Result(long items, List<Round> withJournal, List<Round> withoutJournal) {
    public double medianWithJournal() {
      return median(withJournal.stream().map(Round::itemsPerSecond).toList());
    }

    public double medianWithoutJournal() {
      return median(withoutJournal.stream().map(Round::itemsPerSecond).toList());
    }

    /** Time with the journal over time without: 1.25 means journaling costs 25 % more time. */
    public double overhead() {
      return medianWithoutJournal() / medianWithJournal();
    }

    public double medianCpuWithJournal() {
      return median(withJournal.stream().map(Round::cpuMicrosPerItem).toList());
    }

    public double medianCpuWithoutJournal() {
      return median(withoutJournal.stream().map(Round::cpuMicrosPerItem).toList());
    }

    /** CPU per item with the journal over CPU per item without. */
    public double cpuOverhead() {
      return medianCpuWithJournal() / medianCpuWithoutJournal();
    }

    /** Journal write capacity per item written, with the journal on. */
    public double medianJournalWcuPerItem() {
      return median(withJournal.stream().map(Round::journalWcuPerItem).toList());
    }
  }

  private final MigrationEnvironment env;
  private final Path dir;

  /** A benchmark in {@code env}, writing its migration to {@code dir}. */
  public MigrateBenchmark(MigrationEnvironment env, Path dir) {
    this.env = env;
    this.dir = dir;
  }

  /**
   * Seeds {@code items} items, then runs {@code warmup} rounds of each mode that are not counted
   * and {@code rounds} that are, interleaved.
   */
  public Mono<Result> run(long items, int rounds, int warmup) {
    MigrationFile file = writeMigration();
    MigrationRunner runner = env.runner(dir, new SimpleMeterRegistry());
    List<Round> on = new ArrayList<>();
    List<Round> off = new ArrayList<>();
    return seed(items)
        .thenMany(
            Flux.range(0, (warmup + rounds) * 2)
                .concatMap(
                    i -> {
                      boolean journal = i % 2 == 0;
                      boolean counted = i >= warmup * 2;
                      return round(runner, file, journal)
                          .doOnNext(
                              r -> {
                                if (counted) {
                                  (journal ? on : off).add(r);
                                }
                              });
                    }))
        .then(Mono.fromSupplier(() -> new Result(items, List.copyOf(on), List.copyOf(off))));
  }

  private Mono<Round> round(MigrationRunner runner, MigrationFile file, boolean journal) {
    RunRequest request =
        RunRequest.of(file, RunMode.DEV, "bench", "bench").withMaxWcu(0).withJournal(journal);
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          long cpu = processCpuNanos();
          return runner
              .run(request)
              .map(
                  r ->
                      new Round(
                          r.itemsWritten() / ((System.nanoTime() - start) / 1e9),
                          (processCpuNanos() - cpu) / 1e3 / Math.max(1, r.itemsWritten()),
                          r.journalWcu() / Math.max(1, r.itemsWritten())))
              // Drop this round's journal so memory stays flat over rounds.
              .flatMap(
                  round ->
                      env.db()
                          .findTable(env.journalTable())
                          .flatMap(t -> env.db().deleteTable(t.tableName()))
                          .thenReturn(round));
        });
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
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
