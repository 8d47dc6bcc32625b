package pitr.rollback;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.migrate.MigrationCatalog;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunRecord;
import pitr.migrate.RunRequest;
import pitr.migrate.api.RunMode;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Test fixture: a bad migration run and what happened after it, on an embedded engine whose clock
 * moves only when told and which writes exports into {@code dir/s3} (bucket {@code exports}). Table
 * {@code things} holds t0-t9 "good" from 12:00. At 12:05 migration {@code 0001_mess} sets every
 * item "bad", except t9, which it deletes, and creates n1 "bad". At 12:06 other writers set t2
 * "customer", delete t3, set n1 "customer", put t4 back "good" (as before the run) and create a1.
 * Now is {@code after} later. Two fixtures built alike hold the same items.
 */
final class MigrationIncident implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-30T12:00:00Z");

  static final String SOURCE =
      """
      import java.util.Map;
      import java.util.Set;
      import pitr.migrate.api.*;
      import reactor.core.publisher.Mono;
      import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

      /** Marks every thing bad (a bad migration for tests). */
      class Mess implements Migration {
        public Set<String> tables() {
          return Set.of("things");
        }

        public Mono<Void> run(MigrationContext c) {
          MigrationTable t = c.table("things");
          return t.forEachItem(
                  ScanOptions.defaults().segments(2).pageSize(3),
                  i ->
                      i.get("pk").s().equals("t9")
                          ? t.delete(i)
                          : t.update(i, Update.set("v", AttributeValue.fromS("bad"))))
              .then(
                  t.put(
                      Map.of(
                          "pk", AttributeValue.fromS("n1"), "v", AttributeValue.fromS("bad"))))
              .then();
        }
      }
      """;

  final AdjustableClock clock = AdjustableClock.startingAt(START);
  final LocalTarget local;
  final MigrationEnvironment env;
  final RunRecord run;

  MigrationIncident(Path dir, Duration after) {
    this(dir, after, EngineConfig.defaults().restoreDuration());
  }

  /** As above, on an engine whose restored tables stay CREATING for {@code restoreDuration}. */
  MigrationIncident(Path dir, Duration after, Duration restoreDuration) {
    try {
      Files.createDirectories(dir.resolve("s3/exports"));
      Path migrations = Files.createDirectories(dir.resolve("migrations"));
      Files.writeString(migrations.resolve("0001_mess.java"), SOURCE);
      local =
          new LocalTarget(
              EngineConfig.defaults()
                  .withClock(clock)
                  .withRestoreLag(Duration.ZERO)
                  .withRestoreDuration(restoreDuration)
                  .withExports(EngineConfig.Exports.DEFAULTS.withDirectory(dir.resolve("s3"))));
      local.createTable("things");
      local.enablePitr("things");
      for (int i = 0; i <= 9; i++) {
        put("t" + i, "good");
      }
      clock.advance(Duration.ofMinutes(5));
      env =
          MigrationEnvironment.create(
              local.client,
              clock,
              Schedulers.parallel(),
              MigrationEnvironment.Settings.defaults(local.endpoint()));
      env.runner(migrations, new SimpleMeterRegistry())
          .run(
              RunRequest.of(
                  new MigrationCatalog(migrations).resolve("0001"), RunMode.DEV, "ann", "box1"))
          .block(Duration.ofSeconds(60));
      run = env.ledger().runs("0001_mess").blockLast(Duration.ofSeconds(10));
      clock.advance(Duration.ofMinutes(1));
      put("t2", "customer");
      delete("t3");
      put("n1", "customer");
      put("t4", "good");
      put("a1", "customer");
      clock.advance(after);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void put(String pk, String v) {
    local
        .client
        .putItem(
            r ->
                r.tableName("things")
                    .item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v))))
        .join();
  }

  void delete(String pk) {
    local
        .client
        .deleteItem(r -> r.tableName("things").key(Map.of("pk", AttributeValue.fromS(pk))))
        .join();
  }

  /** Every live item, by pk, whole. */
  Map<String, Map<String, AttributeValue>> live() {
    return new TreeMap<>(local.contents("things"));
  }

  @Override
  public void close() {
    local.close();
  }
}
