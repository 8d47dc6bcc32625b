package pitr.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import pitr.dynamo.ItemSizes;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoverySpecification;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * How the embedded engine scales with its table size: for each size, one in-process engine is
 * loaded with that many items of about 200 bytes (PITR on), every item is then updated once with a
 * small change (UpdateItem of one number, as a migration that touches the whole table), and then,
 * in interleaved rounds over the sizes, point reads, point writes and a point-in-time restore of
 * the whole table as it was before the update are timed. Heap per item is the heap a table holds
 * after a full collection, divided by its items: once loaded, and once every item also keeps its
 * replaced version for restores. With a data directory, each engine keeps its tables on disk and
 * the bytes written to files per acknowledged PutItem are reported as well. With an HTTP client,
 * each engine is also served on a loopback port and the same point reads and writes are timed
 * through the AWS SDK, as a client of {@code pitr local serve} sees them.
 */
public final class ScaleBenchmark {
  static final String TABLE = "bench-scale";
  private static final int PAYLOAD_CHARS = 112;

  /**
   * What to measure.
   *
   * @param sizes table sizes, one engine each
   * @param opTime how long one round of reads (and one of writes) lasts
   * @param rounds measured rounds, after one warm-up round
   * @param dataDir where durable engines keep their files (one subdirectory per size), or null
   * @param updateAll whether to update every item once after loading
   * @param http a client for an HTTP endpoint, to also time the point reads and writes as a client
   *     of {@code pitr local serve} makes them (each engine served on a loopback port); null for
   *     in-process calls only
   */
  public record Options(
      List<Integer> sizes,
      Duration opTime,
      int rounds,
      Path dataDir,
      boolean updateAll,
      Function<URI, DynamoDbAsyncClient> http) {}

  /**
   * Medians over the rounds for one table size.
   *
   * @param items items loaded
   * @param itemBytes mean item size as DynamoDB counts it
   * @param loadSeconds time to load the table (BatchWriteItem, 25 items a call)
   * @param heapBytesPerItem heap held per item after loading, after a full collection
   * @param heapBytesPerItemUpdated heap held per item once every item has been updated once (the
   *     live item and the version kept for restores), after a full collection
   * @param updateAllSeconds time to update every item once (UpdateItem, one caller)
   * @param getsPerSecond GetItem calls per second, one caller, random keys
   * @param putsPerSecond PutItem calls per second (replacing random items), one caller
   * @param restoreSeconds time of a RestoreTableToPointInTime of the whole table
   * @param firstReadSeconds time of the first GetItem of the restored table, which builds the table
   *     of its items that point reads use
   * @param bytesPerWrite bytes written to the data file per acknowledged PutItem; 0 in memory
   * @param httpGetsPerSecond GetItem calls per second over HTTP, one caller; NaN without it
   * @param httpPutsPerSecond PutItem calls per second over HTTP, one caller; NaN without it
   */
  public record Result(
      int items,
      double itemBytes,
      double loadSeconds,
      double heapBytesPerItem,
      double heapBytesPerItemUpdated,
      double updateAllSeconds,
      double getsPerSecond,
      double putsPerSecond,
      double restoreSeconds,
      double firstReadSeconds,
      double bytesPerWrite,
      double httpGetsPerSecond,
      double httpPutsPerSecond) {}

  private static final class Subject {
    final int items;
    final AdjustableClock clock = AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    final LocalEngine engine;
    final Path file;
    final SplittableRandom random = new SplittableRandom(42);
    double itemBytes;
    double loadSeconds;
    double heapPerItem;
    double heapPerItemUpdated;
    double updateAllSeconds;
    Instant restorePoint;
    final List<Double> gets = new ArrayList<>();
    final List<Double> puts = new ArrayList<>();
    final List<Double> restores = new ArrayList<>();
    final List<Double> firstReads = new ArrayList<>();
    final List<Double> writeBytes = new ArrayList<>();
    final List<Double> httpGets = new ArrayList<>();
    final List<Double> httpPuts = new ArrayList<>();
    LocalServer server;
    DynamoDbAsyncClient client;
    int putSerial;

    Subject(int items, Path dataDir) {
      this.items = items;
      EngineConfig config = EngineConfig.defaults().withClock(clock);
      if (dataDir == null) {
        engine = LocalEngine.create(config);
        file = null;
      } else {
        Path dir = dataDir.resolve("items-" + items);
        engine = LocalEngine.open(config, dir);
        file = dir.resolve(pitr.local.DurableStore.FILE);
      }
    }
  }

  public List<Result> run(Options o, Consumer<String> progress) {
    List<Subject> subjects = new ArrayList<>();
    try {
      long before = usedAfterGc();
      for (int size : o.sizes()) {
        progress.accept(String.format("loading %,d items of ~200 bytes", size));
        Subject s = new Subject(size, o.dataDir());
        subjects.add(s);
        load(s);
        // One point read, as any table that is read gets: it builds the table of items that point
        // reads use, so the heap figures count it.
        found(key(0), s.engine.getItem(getRequest(key(0))));
        long loaded = usedAfterGc();
        s.heapPerItem = (loaded - before) / (double) size;
        if (o.updateAll()) {
          progress.accept(String.format("updating all %,d items once", size));
          updateAll(s);
          long updated = usedAfterGc();
          s.heapPerItemUpdated = (updated - before) / (double) size;
          before = updated;
        } else {
          s.heapPerItemUpdated = Double.NaN;
          s.updateAllSeconds = Double.NaN;
          before = loaded;
        }
      }
      if (o.http() != null) {
        // Served once every heap figure is taken: the servers' own buffers are not the tables'.
        for (Subject s : subjects) {
          s.server = LocalServer.start(s.engine, "127.0.0.1", 0);
          s.client = o.http().apply(s.server.endpoint());
        }
      }
      for (int round = 0; round <= o.rounds(); round++) {
        progress.accept(round == 0 ? "warm-up round" : "round " + round + " of " + o.rounds());
        for (Subject s : subjects) {
          double g = gets(s, o.opTime());
          double p = puts(s, o.opTime());
          Restored r = restore(s, round);
          if (round == 0) {
            s.writeBytes.clear();
          } else {
            s.gets.add(g);
            s.puts.add(p);
            s.restores.add(r.seconds());
            s.firstReads.add(r.firstReadSeconds());
          }
          if (s.client != null) {
            double hg = httpGets(s, o.opTime());
            double hp = httpPuts(s, o.opTime());
            if (round > 0) {
              s.httpGets.add(hg);
              s.httpPuts.add(hp);
            }
          }
        }
      }
      List<Result> out = new ArrayList<>();
      for (Subject s : subjects) {
        out.add(
            new Result(
                s.items,
                s.itemBytes,
                s.loadSeconds,
                s.heapPerItem,
                s.heapPerItemUpdated,
                s.updateAllSeconds,
                median(s.gets),
                median(s.puts),
                median(s.restores),
                median(s.firstReads),
                median(s.writeBytes),
                s.client == null ? Double.NaN : median(s.httpGets),
                s.client == null ? Double.NaN : median(s.httpPuts)));
      }
      return out;
    } finally {
      for (Subject s : subjects) {
        if (s.client != null) {
          s.client.close();
        }
        if (s.server != null) {
          s.server.close();
        }
        s.engine.close();
      }
    }
  }

  /**
   * An item of about 200 bytes as DynamoDB counts them (public for the scripts in {@code bench/}).
   */
  public static Map<String, AttributeValue> item(int id, int serial) {
    Map<String, AttributeValue> item = new HashMap<>(8);
    item.put("pk", AttributeValue.fromS(key(id)));
    item.put("name", AttributeValue.fromS("customer " + id + " of the scale benchmark"));
    item.put("price", AttributeValue.fromN(Integer.toString(id % 100_000)));
    item.put("status", AttributeValue.fromS((id & 1) == 0 ? "ACTIVE" : "PAUSED"));
    item.put("serial", AttributeValue.fromN(Integer.toString(serial)));
    char[] payload = new char[PAYLOAD_CHARS];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (char) ('a' + (id + i * 7) % 26);
    }
    item.put("payload", AttributeValue.fromS(new String(payload)));
    return item;
  }

  /** Item {@code id}'s key value. */
  public static String key(int id) {
    return String.format("item-%09d", id);
  }

  private static void load(Subject s) {
    LocalEngine engine = s.engine;
    engine.createTable(
        CreateTableRequest.builder()
            .tableName(TABLE)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
            .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
            .build());
    engine.updateContinuousBackups(
        UpdateContinuousBackupsRequest.builder()
            .tableName(TABLE)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .build());
    s.clock.advance(Duration.ofSeconds(1));
    long bytes = 0;
    long t0 = System.nanoTime();
    List<WriteRequest> batch = new ArrayList<>(25);
    for (int id = 0; id < s.items; id++) {
      Map<String, AttributeValue> item = item(id, 0);
      bytes += ItemSizes.size(item);
      batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      if (batch.size() == 25 || id == s.items - 1) {
        engine.batchWriteItem(
            BatchWriteItemRequest.builder()
                .requestItems(Map.of(TABLE, List.copyOf(batch)))
                .build());
        batch.clear();
      }
    }
    s.loadSeconds = (System.nanoTime() - t0) / 1e9;
    s.itemBytes = bytes / (double) s.items;
    s.clock.advance(Duration.ofSeconds(1));
    s.restorePoint = s.clock.instant();
    s.clock.advance(Duration.ofSeconds(1));
  }

  /**
   * Updates every item once with a small change (its serial number, "0" to "1"), after the restore
   * point, so every item keeps its loaded version for restores and restores rebuild it.
   */
  private static void updateAll(Subject s) {
    long t0 = System.nanoTime();
    for (int id = 0; id < s.items; id++) {
      s.engine.updateItem(
          UpdateItemRequest.builder()
              .tableName(TABLE)
              .key(Map.of("pk", AttributeValue.fromS(key(id))))
              .updateExpression("SET serial = :s")
              .expressionAttributeValues(Map.of(":s", AttributeValue.fromN("1")))
              .build());
    }
    s.updateAllSeconds = (System.nanoTime() - t0) / 1e9;
    s.clock.advance(Duration.ofSeconds(1));
  }

  private static double gets(Subject s, Duration time) {
    return timed(
            time,
            64,
            () -> {
              String k = key(s.random.nextInt(s.items));
              found(k, s.engine.getItem(getRequest(k)));
            })
        .perSecond();
  }

  /** As {@link #gets}, one call at a time over HTTP through the SDK client. */
  private static double httpGets(Subject s, Duration time) {
    return timed(
            time,
            16,
            () -> {
              String k = key(s.random.nextInt(s.items));
              found(k, s.client.getItem(getRequest(k)).join());
            })
        .perSecond();
  }

  private static double puts(Subject s, Duration time) {
    long written = bytesWritten();
    Timed t = timed(time, 64, () -> s.engine.putItem(putRequest(s)));
    if (s.file != null) {
      s.writeBytes.add((bytesWritten() - written) / (double) t.calls());
    }
    return t.perSecond();
  }

  /** As {@link #puts}, one call at a time over HTTP through the SDK client. */
  private static double httpPuts(Subject s, Duration time) {
    return timed(time, 16, () -> s.client.putItem(putRequest(s)).join()).perSecond();
  }

  private record Timed(long calls, double perSecond) {}

  /**
   * Makes {@code call} one at a time for {@code time}, in whole blocks of {@code block} calls (a
   * power of two) so the clock is read once a block.
   */
  private static Timed timed(Duration time, int block, Runnable call) {
    long end = System.nanoTime() + time.toNanos();
    long n = 0;
    long t0 = System.nanoTime();
    while ((n & (block - 1)) != 0 || System.nanoTime() < end) {
      call.run();
      n++;
    }
    return new Timed(n, n / ((System.nanoTime() - t0) / 1e9));
  }

  private static GetItemRequest getRequest(String k) {
    return getRequest(TABLE, k);
  }

  private static GetItemRequest getRequest(String table, String k) {
    return GetItemRequest.builder()
        .tableName(table)
        .key(Map.of("pk", AttributeValue.fromS(k)))
        .build();
  }

  /** A PutItem replacing a random item with its next serial number. */
  private static PutItemRequest putRequest(Subject s) {
    return PutItemRequest.builder()
        .tableName(TABLE)
        .item(item(s.random.nextInt(s.items), ++s.putSerial))
        .build();
  }

  private static void found(String k, GetItemResponse r) {
    if (!r.hasItem()) {
      throw new IllegalStateException("item " + k + " is missing");
    }
  }

  /**
   * Bytes this process has written to files so far (Linux's {@code /proc/self/io} {@code wchar}); 0
   * where the system does not tell.
   */
  private static long bytesWritten() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // Not Linux: the figure is reported as 0.
    }
    return 0;
  }

  /** Seconds a restore of the whole table took, and the restored table's first GetItem. */
  private record Restored(double seconds, double firstReadSeconds) {}

  private static Restored restore(Subject s, int round) {
    String target = TABLE + "-restored-" + round;
    long t0 = System.nanoTime();
    s.engine.restoreTableToPointInTime(
        RestoreTableToPointInTimeRequest.builder()
            .sourceTableName(TABLE)
            .targetTableName(target)
            .restoreDateTime(s.restorePoint)
            .build());
    long t1 = System.nanoTime();
    String k = key(s.random.nextInt(s.items));
    found(k, s.engine.getItem(getRequest(target, k)));
    long t2 = System.nanoTime();
    s.engine.deleteTable(DeleteTableRequest.builder().tableName(target).build());
    return new Restored((t1 - t0) / 1e9, (t2 - t1) / 1e9);
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    if (v.length == 0) {
      return 0;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }
}
