// In-process GetItem of random keys on tables of N items (bench engine-scale's ~200-byte items).
// SIZES is one size, or several separated by commas: then each size has its own engine in this
// JVM and the timed rounds alternate between them, so every size runs the same compiled code under
// the same conditions, and each round's rate is divided by the first size's rate in the same pass
// (the ratio the point-read target is about). Random keys, up to 1,048,576 of them so that the
// items read span far more memory than the caches hold, are formatted before the timing starts.
// Prints each two-second round, and the median rate of each size and median ratio over the last
// ROUNDS, with the CPU the JVM's other threads (the collector's, the compiler's) used during that
// size's rounds, as a share of one core: where a size's rounds pay for collecting another's heap,
// it shows.
// With -Dop=put it times PutItem instead, each replacing a random item with a new ~200-byte image
// built in the loop (as bench engine-scale's puts do), PITR on, so every put also keeps a version.
// With -Dprofile=FILE and async-profiler's jar on the class path
// (mvn dependency:get -Dartifact=tools.profiler:async-profiler:3.0), the timed rounds are profiled
// (CPU, collapsed stacks) into FILE.
//   java -Xmx4g -cp target/pitr.jar bench/PointReads.java SIZES [ROUNDS]
// bench/point-reads.sh runs it with the JVM options of the ./pitr launcher.
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import pitr.bench.ScaleBenchmark;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** GetItem per second on tables of each size: each round, the medians and the median ratios. */
public class PointReads {
  private static final int BATCH = 64;

  /** A loaded engine of {@code n} items, and the random keys its rounds read (and their ids). */
  record Sized(int n, LocalEngine engine, String[] keys, int[] ids) {}

  public static void main(String[] args) throws Exception {
    int[] sizes = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String profile = System.getProperty("profile");
    boolean puts = "put".equals(System.getProperty("op", "get"));
    String unit = puts ? "puts/s" : "gets/s";
    List<Sized> tables = new ArrayList<>();
    for (int n : sizes) {
      tables.add(load(n));
    }
    double[][] perSecond = new double[sizes.length][rounds];
    double[][] ratios = new double[sizes.length][rounds];
    double[][] others = new double[sizes.length][rounds];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    int[] next = new int[sizes.length];
    long sink = 0;
    for (int round = -2; round < rounds; round++) {
      if (round == 0 && profile != null) {
        profiler("start,event=cpu,interval=200us");
      }
      for (int s = 0; s < sizes.length; s++) {
        Sized t = tables.get(s);
        long cpu0 = os.getProcessCpuTime();
        long own0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long calls = 0;
        while (System.nanoTime() - t0 < 2_000_000_000L) {
          sink += puts ? puts(t, next[s], round) : gets(t.engine(), t.keys(), next[s]);
          next[s] = (next[s] + BATCH) % t.keys().length;
          calls += BATCH;
        }
        long elapsed = System.nanoTime() - t0;
        double rate = calls / (elapsed / 1e9);
        double other =
            ((os.getProcessCpuTime() - cpu0) - (threads.getCurrentThreadCpuTime() - own0))
                / (double) elapsed;
        String ratio = "";
        if (round >= 0) {
          perSecond[s][round] = rate;
          others[s][round] = other;
          ratios[s][round] = rate / perSecond[0][round];
          ratio = s > 0 ? String.format(" (%.2fx)", ratios[s][round]) : "";
        }
        System.out.printf(
            "%s %,d items: %,.0f %s%s, other threads %.0f%% of a core%n",
            round < 0 ? "warm-up" : "round",
            t.n(),
            rate,
            unit,
            ratio,
            100 * other);
      }
    }
    if (profile != null) {
      profiler("stop,file=" + profile + ",collapsed");
    }
    for (int s = 0; s < sizes.length; s++) {
      Arrays.sort(perSecond[s]);
      Arrays.sort(ratios[s]);
      Arrays.sort(others[s]);
      System.out.printf(
          "median %,d items: %,.0f %s%s, other threads %.0f%% of a core%n",
          sizes[s],
          perSecond[s][rounds / 2],
          unit,
          s > 0 ? String.format(", %.2fx of %,d items", ratios[s][rounds / 2], sizes[0]) : "",
          100 * others[s][rounds / 2]);
    }
    System.out.printf("(%d)%n", sink % 7);
  }

  /** An engine holding one PITR-enabled table of {@code n} items, and its keys to read. */
  private static Sized load(int n) {
    AdjustableClock clock = AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    LocalEngine engine = LocalEngine.create(EngineConfig.defaults().withClock(clock));
    engine.createTable(
        CreateTableRequest.builder()
            .tableName("scale")
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
            .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
            .build());
    engine.updateContinuousBackups(
        UpdateContinuousBackupsRequest.builder()
            .tableName("scale")
            .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true))
            .build());
    clock.advance(Duration.ofSeconds(1));
    List<WriteRequest> batch = new ArrayList<>(25);
    for (int id = 0; id < n; id++) {
      Map<String, AttributeValue> item = ScaleBenchmark.item(id, 0);
      batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      if (batch.size() == 25 || id == n - 1) {
        engine.batchWriteItem(
            BatchWriteItemRequest.builder().requestItems(Map.of("scale", List.copyOf(batch))).build());
        batch.clear();
      }
    }
    clock.advance(Duration.ofSeconds(1));
    SplittableRandom random = new SplittableRandom(42);
    String[] keys = new String[Math.min(n, 1 << 20)];
    int[] ids = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      ids[i] = random.nextInt(n);
      keys[i] = ScaleBenchmark.key(ids[i]);
    }
    // One point read, as any table that is read gets: it builds the table point reads use, which
    // every put then keeps up to date.
    gets(engine, keys, 0);
    return new Sized(n, engine, keys, ids);
  }

  /** BATCH GetItem calls of the keys from {@code from} on, wrapping: the sizes of the items. */
  private static long gets(LocalEngine engine, String[] keys, int from) {
    long sizes = 0;
    for (int j = 0; j < BATCH; j++) {
      String k = keys[(from + j) % keys.length];
      sizes +=
          engine
              .getItem(
                  GetItemRequest.builder()
                      .tableName("scale")
                      .key(Map.of("pk", AttributeValue.fromS(k)))
                      .build())
              .item()
              .size();
    }
    return sizes;
  }

  /** BATCH PutItem calls replacing the items of the ids from {@code from} on, wrapping. */
  private static long puts(Sized t, int from, int round) {
    for (int j = 0; j < BATCH; j++) {
      int id = t.ids()[(from + j) % t.ids().length];
      t.engine()
          .putItem(
              PutItemRequest.builder()
                  .tableName("scale")
                  .item(ScaleBenchmark.item(id, round + 3))
                  .build());
    }
    return BATCH;
  }

  private static void profiler(String command) throws Exception {
    Class<?> c = Class.forName("one.profiler.AsyncProfiler");
    Object p = c.getMethod("getInstance").invoke(null);
    c.getMethod("execute", String.class).invoke(p, command);
  }
}
