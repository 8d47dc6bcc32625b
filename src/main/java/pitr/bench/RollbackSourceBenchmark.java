package pitr.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import pitr.dynamo.ReadUnits;
import pitr.export.DirectoryExportStore;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import pitr.rollback.ExportRollbacks;
import pitr.rollback.Rollbacks;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoverySpecification;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The same incident planned both ways, side by side: a table of {@code items} items, one in a
 * hundred changed in [T0, T1), rolled back from an incremental export of the window and from two
 * restored tables, in interleaved rounds (the order alternating), through the SDK client against
 * the embedded engine over loopback HTTP. Per source: the planning time (export or restores
 * included), the read units consumed on the live table and on all tables, and the peak heap (one
 * JVM holds toolkit and engine, so restored tables count too; on AWS they do not).
 */
public final class RollbackSourceBenchmark {
  private static final String TABLE = "bench-live";

  /**
   * Medians of one source's rounds.
   *
   * @param source "export" or "restore"
   * @param planSeconds time to plan, the export or the restores included
   * @param liveReadUnits read units consumed on the live table
   * @param totalReadUnits read units consumed on all tables (recovery tables included)
   * @param peakHeapMb peak heap in use while planning
   * @param planItems items in the plan
   */
  public record Side(
      String source,
      double planSeconds,
      double liveReadUnits,
      double totalReadUnits,
      long peakHeapMb,
      long planItems) {}

  /**
   * Both sides.
   *
   * @param items items in the table
   * @param changed items changed in the window
   * @param rounds measured rounds
   * @param export the export side
   * @param restore the restore side
   */
  public record Result(long items, long changed, int rounds, Side export, Side restore) {}

  public Result run(int items, int rounds) {
    AdjustableClock clock = AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    Path root = tempDir();
    ReadUnits meter = new ReadUnits();
    try (LocalEngine engine =
            LocalEngine.create(
                EngineConfig.defaults()
                    .withClock(clock)
                    .withRestoreLag(Duration.ZERO)
                    .withExports(
                        EngineConfig.Exports.DEFAULTS
                            .withMinWindow(Duration.ofMinutes(1))
                            .withDirectory(root)));
        LocalServer server = LocalServer.start(engine, "127.0.0.1", 0);
        DynamoDbAsyncClient client =
            DynamoDbAsyncClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(meter))
                .build()) {
      Files.createDirectories(root.resolve("exports"));
      load(engine);
      clock.advance(Duration.ofSeconds(1));
      List<Integer> all = new ArrayList<>(items);
      for (int i = 0; i < items; i++) {
        all.add(i);
      }
      write(engine, all, "v1");
      clock.advance(Duration.ofMinutes(1));
      Instant t0 = clock.instant();
      clock.advance(Duration.ofMinutes(1));
      List<Integer> changed = new ArrayList<>();
      for (int i = 0; i < items; i += 100) {
        changed.add(i);
      }
      write(engine, changed, "bad");
      clock.advance(Duration.ofMinutes(1));
      Instant t1 = clock.instant();
      clock.advance(Duration.ofMinutes(1));
      Rollbacks.TableRequest request =
          new Rollbacks.TableRequest(TABLE, t0, t1, false, false, Duration.ofHours(1));
      Rollbacks.Settings settings =
          Rollbacks.Settings.defaults(
              server.endpoint().toString(), "pitr bench", root.resolve("work"));
      Rollbacks restores = Rollbacks.create(client, clock, Schedulers.parallel(), settings);
      ExportRollbacks exports =
          ExportRollbacks.create(
              client,
              clock,
              Schedulers.parallel(),
              settings,
              new DirectoryExportStore(root),
              Duration.ofMillis(10));
      List<Side> e = new ArrayList<>();
      List<Side> r = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        if (round % 2 == 0) {
          e.add(exportSide(exports, restores, request, meter));
          r.add(restoreSide(restores, request, meter));
        } else {
          r.add(restoreSide(restores, request, meter));
          e.add(exportSide(exports, restores, request, meter));
        }
      }
      return new Result(items, changed.size(), rounds, median("export", e), median("restore", r));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } finally {
      delete(root);
    }
  }

  private static Side exportSide(
      ExportRollbacks exports,
      Rollbacks rollbacks,
      Rollbacks.TableRequest request,
      ReadUnits meter) {
    return measure(
        "export",
        meter,
        () ->
            exports
                .planTable(
                    request,
                    new ExportRollbacks.Source("exports", null, null, Duration.ofHours(1), 0),
                    d -> {})
                .block(),
        rollbacks);
  }

  private static Side restoreSide(
      Rollbacks rollbacks, Rollbacks.TableRequest request, ReadUnits meter) {
    return measure("restore", meter, () -> rollbacks.planTable(request).block(), rollbacks);
  }

  private static Side measure(
      String source,
      ReadUnits meter,
      java.util.function.Supplier<Rollbacks.Prepared> plan,
      Rollbacks rollbacks) {
    RestoreBenchmark.usedAfterGc();
    RestoreBenchmark.resetPeaks();
    meter.reset();
    long t = System.nanoTime();
    Rollbacks.Prepared p = plan.get();
    double seconds = (System.nanoTime() - t) / 1e9;
    long peak = RestoreBenchmark.peakUsed() >> 20;
    Side side = new Side(source, seconds, meter.of(TABLE), meter.total(), peak, p.plan().size());
    rollbacks.drop(p.recoveryTables()).block();
    rollbacks.discard(p.plan());
    return side;
  }

  private static Side median(String source, List<Side> sides) {
    return new Side(
        source,
        median(sides.stream().mapToDouble(Side::planSeconds).toArray()),
        median(sides.stream().mapToDouble(Side::liveReadUnits).toArray()),
        median(sides.stream().mapToDouble(Side::totalReadUnits).toArray()),
        (long) median(sides.stream().mapToDouble(Side::peakHeapMb).toArray()),
        sides.get(0).planItems());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void load(LocalEngine engine) {
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
  }

  private static void write(LocalEngine engine, List<Integer> ids, String version) {
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
        BatchWriteItemRequest.builder().requestItems(Map.of(TABLE, List.copyOf(batch))).build());
    batch.clear();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("pitr-bench-rollback-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // Leftover temporary files are harmless.
    }
  }
}
