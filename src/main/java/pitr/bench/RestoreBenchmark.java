package pitr.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoverySpecification;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Restores a table of {@code items} items, a tenth of which changed after the restore point, and
 * reports how long the restore took and how much heap it needed on top of what was live before.
 */
public final class RestoreBenchmark {
  /**
   * What one restore cost.
   *
   * @param items items in the source table
   * @param changed items changed after the restore point
   * @param loadSeconds time to write the source table (not part of the restore)
   * @param restoreSeconds time of the RestoreTableToPointInTime call
   * @param heapBeforeMb heap in use after loading, after a full GC
   * @param peakHeapMb peak heap in use during the restore
   * @param heapAfterMb heap in use after the restore, after a full GC
   * @param historyVersions older versions held for restores
   * @param historyMb their approximate size by the engine's cost model
   * @param restoredItems items in the restored table (must equal {@code items})
   */
  public record Result(
      long items,
      long changed,
      double loadSeconds,
      double restoreSeconds,
      long heapBeforeMb,
      long peakHeapMb,
      long heapAfterMb,
      long historyVersions,
      long historyMb,
      long restoredItems) {}

  public Result run(int items) {
    // Stepped by hand, so the restore point falls between the two phases.
    AdjustableClock clock = AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    try (LocalEngine engine = LocalEngine.create(EngineConfig.defaults().withClock(clock))) {
      engine.createTable(
          CreateTableRequest.builder()
              .tableName("bench-source")
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .keySchema(
                  KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
              .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
              .build());
      engine.updateContinuousBackups(
          UpdateContinuousBackupsRequest.builder()
              .tableName("bench-source")
              .pointInTimeRecoverySpecification(
                  PointInTimeRecoverySpecification.builder()
                      .pointInTimeRecoveryEnabled(true)
                      .build())
              .build());
      clock.advance(Duration.ofSeconds(1));
      long t0 = System.nanoTime();
      write(engine, 0, items, "v1");
      clock.advance(Duration.ofSeconds(1));
      Instant restorePoint = clock.instant();
      clock.advance(Duration.ofSeconds(1));
      int changed = items / 10;
      // Every tenth item changes after the restore point.
      List<Integer> ids = new ArrayList<>(changed);
      for (int i = 0; i < items; i += 10) {
        ids.add(i);
      }
      writeIds(engine, ids, "v2");
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      clock.advance(Duration.ofSeconds(5));
      var history = engine.historyStats();

      long before = usedAfterGc();
      resetPeaks();
      long r0 = System.nanoTime();
      engine.restoreTableToPointInTime(
          RestoreTableToPointInTimeRequest.builder()
              .sourceTableName("bench-source")
              .targetTableName("bench-restored")
              .restoreDateTime(restorePoint)
              .build());
      double restoreSeconds = (System.nanoTime() - r0) / 1e9;
      long peak = peakUsed();
      long after = usedAfterGc();
      long restored =
          engine
              .describeTable(DescribeTableRequest.builder().tableName("bench-restored").build())
              .table()
              .itemCount();
      return new Result(
          items,
          changed,
          loadSeconds,
          restoreSeconds,
          before >> 20,
          peak >> 20,
          after >> 20,
          history.versions(),
          history.approximateBytes() >> 20,
          restored);
    }
  }

  private static void write(LocalEngine engine, int from, int to, String version) {
    List<Integer> ids = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      ids.add(i);
    }
    writeIds(engine, ids, version);
  }

  private static void writeIds(LocalEngine engine, List<Integer> ids, String version) {
    List<WriteRequest> batch = new ArrayList<>(25);
    for (int id : ids) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("pk", AttributeValue.fromS("item-" + id));
      item.put("version", AttributeValue.fromS(version));
      item.put("price", AttributeValue.fromN(Integer.toString(id % 10_000)));
      item.put("name", AttributeValue.fromS("car model " + id));
      batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      if (batch.size() == 25) {
        flush(engine, batch);
      }
    }
    if (!batch.isEmpty()) {
      flush(engine, batch);
    }
  }

  private static void flush(LocalEngine engine, List<WriteRequest> batch) {
    engine.batchWriteItem(
        BatchWriteItemRequest.builder()
            .requestItems(Map.of("bench-source", List.copyOf(batch)))
            .build());
    batch.clear();
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

  static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  static long peakUsed() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
