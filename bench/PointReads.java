// In-process GetItem of random keys on a table of N items (bench engine-scale's ~200-byte items),
// one table per JVM, so a size is timed without another table's garbage collection beside it:
// run it once with 10000 and once with a large N and compare. Prints each two-second round and the
// median of the last ROUNDS. With -Dprofile=FILE and async-profiler's jar on the class path
// (mvn dependency:get -Dartifact=tools.profiler:async-profiler:3.0), the timed rounds are profiled
// (CPU, collapsed stacks) into FILE.
//   java -Xmx4g -cp target/pitr.jar bench/PointReads.java N [ROUNDS]
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
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** GetItem per second on one table of N items: each round, and the median. */
public class PointReads {
  static Map<String, AttributeValue> item(int id) {
    return ScaleBenchmark.item(id, 0);
  }

  static String key(int id) {
    return ScaleBenchmark.key(id);
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String profile = System.getProperty("profile");
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
      batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(id)).build()).build());
      if (batch.size() == 25 || id == n - 1) {
        engine.batchWriteItem(
            BatchWriteItemRequest.builder().requestItems(Map.of("scale", List.copyOf(batch))).build());
        batch.clear();
      }
    }
    clock.advance(Duration.ofSeconds(1));
    SplittableRandom random = new SplittableRandom(42);
    double[] perSecond = new double[rounds];
    long sink = 0;
    for (int round = -2; round < rounds; round++) {
      if (round == 0 && profile != null) {
        profiler("start,event=cpu,interval=200us");
      }
      long t0 = System.nanoTime();
      long calls = 0;
      while (System.nanoTime() - t0 < 2_000_000_000L) {
        for (int j = 0; j < 64; j++, calls++) {
          String k = key(random.nextInt(n));
          sink +=
              engine
                  .getItem(
                      GetItemRequest.builder()
                          .tableName("scale")
                          .key(Map.of("pk", AttributeValue.fromS(k)))
                          .build())
                  .item()
                  .size();
        }
      }
      double rate = calls / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("%s %,d items: %,.0f gets/s%n", round < 0 ? "warm-up" : "round", n, rate);
      if (round >= 0) {
        perSecond[round] = rate;
      }
    }
    if (profile != null) {
      profiler("stop,file=" + profile + ",collapsed");
    }
    Arrays.sort(perSecond);
    System.out.printf("median %,d items: %,.0f gets/s (%d)%n", n, perSecond[rounds / 2], sink % 7);
  }

  private static void profiler(String command) throws Exception {
    Class<?> c = Class.forName("one.profiler.AsyncProfiler");
    Object p = c.getMethod("getInstance").invoke(null);
    c.getMethod("execute", String.class).invoke(p, command);
  }
}
