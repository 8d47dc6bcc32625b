package pitr.runbook;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.FileCheckpoints;
import pitr.dynamo.Throttling;
import pitr.migrate.DynamoJson;
import pitr.migrate.ItemHash;
import pitr.migrate.Lease;
import pitr.migrate.MigrationCatalog;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationFile;
import pitr.migrate.RunRequest;
import pitr.migrate.api.RunMode;
import pitr.rollback.ApplyRequest;
import pitr.rollback.ApplyResult;
import pitr.rollback.PlanItem;
import pitr.rollback.Rollbacks;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Runs a runbook's steps in order against a {@link DrillTarget}, timing each. An assertion that
 * does not hold fails its step and the drill goes on, so one report lists every broken expectation;
 * a step that cannot be done fails and skips the rest, except {@code drop} steps, which still run
 * to clean up.
 *
 * <p>Generated items are {@code pk = item#0000001 ...} with {@code n} (N), {@code category} (S:
 * books, games, music, tools in turn), {@code price} (N) and {@code status} (S).
 */
public final class DrillRunner {
  static final List<String> CATEGORIES = List.of("books", "games", "music", "tools");
  private static final Duration RESTORE_TIMEOUT = Duration.ofHours(2);
  private static final Duration RESTORE_WINDOW_WAIT = Duration.ofMinutes(15);

  private final DrillTarget target;
  private final Scheduler scheduler;
  private final double scale;
  private final Clock clock;
  private final DynamoDbAsyncClient client;

  private final Map<String, Instant> marks = new HashMap<>();
  private final Map<String, Map<String, Map<String, AttributeValue>>> snapshots = new HashMap<>();
  private final Map<String, Map<String, Map<String, AttributeValue>>> traffic = new HashMap<>();
  private Set<String> lastCandidates = Set.of();
  private Set<String> lastConflicts = Set.of();
  private long conflicts;
  private long dataLost;

  /**
   * A runner over {@code target}.
   *
   * @param scale factor for generated item counts (e.g. 0.02 to run a 100,000-item drill with
   *     2,000)
   */
  public DrillRunner(DrillTarget target, Scheduler scheduler, double scale) {
    if (!(scale > 0)) {
      throw new PitrException(
          ErrorCode.USAGE, "--scale " + scale + " is not positive; pass e.g. 0.02");
    }
    this.target = target;
    this.scheduler = scheduler;
    this.scale = scale;
    this.clock = target.clock();
    this.client = target.client();
  }

  /** Runs every step; the result says which passed. */
  public Mono<DrillResult> run(Runbook runbook) {
    return Mono.defer(
        () -> {
          Instant started = clock.instant();
          List<StepResult> results = new ArrayList<>();
          boolean[] broken = {false};
          return Flux.fromIterable(runbook.steps())
              .index()
              .concatMap(
                  indexed -> {
                    int number = (int) (long) indexed.getT1() + 1;
                    Step step = indexed.getT2();
                    Instant start = clock.instant();
                    if (broken[0] && !(step instanceof Step.Drop)) {
                      return Mono.just(
                          new StepResult(
                              number, step, StepResult.Status.SKIPPED, start, start, "", null));
                    }
                    return execute(runbook, step)
                        .map(
                            detail ->
                                new StepResult(
                                    number,
                                    step,
                                    StepResult.Status.PASSED,
                                    start,
                                    clock.instant(),
                                    detail,
                                    null))
                        .onErrorResume(
                            e -> {
                              if (!(e instanceof AssertionFailed)) {
                                broken[0] = true;
                              }
                              return Mono.just(
                                  new StepResult(
                                      number,
                                      step,
                                      StepResult.Status.FAILED,
                                      start,
                                      clock.instant(),
                                      "",
                                      message(e)));
                            });
                  })
              .doOnNext(results::add)
              .then(
                  Mono.fromSupplier(
                      () ->
                          new DrillResult(
                              runbook,
                              target.name(),
                              scale,
                              started,
                              clock.instant(),
                              List.copyOf(results),
                              recoveryTime(results),
                              dataLost,
                              conflicts,
                              target.meter() == null ? -1 : target.meter().total(),
                              target.meter() == null ? List.of() : target.meter().series())));
        });
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static Duration recoveryTime(List<StepResult> results) {
    Instant start = null;
    Instant end = null;
    for (StepResult r : results) {
      boolean recovery =
          r.step() instanceof Step.Rollback || r.step() instanceof Step.MigrateRollback;
      if (recovery && start == null) {
        start = r.start();
      }
      if (start != null && (recovery || r.step().type().startsWith("assert-"))) {
        end = r.end();
      }
    }
    return start == null ? null : Duration.between(start, end);
  }

  /** An assertion that did not hold; its step fails and the drill goes on. */
  static final class AssertionFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AssertionFailed(String message) {
      super(message);
    }
  }

  private Mono<String> execute(Runbook runbook, Step step) {
    if (step instanceof Step.CreateTable s) {
      return createTable(s);
    } else if (step instanceof Step.Seed s) {
      return seed(runbook, s);
    } else if (step instanceof Step.EnablePitr s) {
      return call(() ->
              client.updateContinuousBackups(
                  r ->
                      r.tableName(s.table())
                          .pointInTimeRecoverySpecification(
                              p -> p.pointInTimeRecoveryEnabled(true))))
          .thenReturn("point-in-time recovery on for " + s.table());
    } else if (step instanceof Step.Mark s) {
      return Mono.fromSupplier(
          () -> {
            Instant at = clock.instant();
            marks.put(s.name(), at);
            return s.name() + " = " + at;
          });
    } else if (step instanceof Step.Snapshot s) {
      return load(s.table())
          .map(
              items -> {
                snapshots.put(s.name(), items);
                return String.format(
                    "%,d items of %s remembered as %s", items.size(), s.table(), s.name());
              });
    } else if (step instanceof Step.Advance s) {
      Duration by = StepDurations.parse(s.by());
      return target
          .advance(by)
          .thenReturn(
              target.movesClock()
                  ? "time moved on by " + by
                  : "waited " + by + " (the clock of " + target.name() + " cannot be moved)");
    } else if (step instanceof Step.Migrate s) {
      return migrate(runbook, s);
    } else if (step instanceof Step.Traffic s) {
      return traffic(s);
    } else if (step instanceof Step.Faults s) {
      return Mono.fromSupplier(
          () -> {
            target.injectFaults(s.spec());
            return s.spec() == null || s.spec().isBlank() ? "faults off" : "faults " + s.spec();
          });
    } else if (step instanceof Step.Rollback s) {
      return rollback(s);
    } else if (step instanceof Step.MigrateRollback s) {
      return migrateRollback(runbook, s);
    } else if (step instanceof Step.AssertCount s) {
      return assertCount(s);
    } else if (step instanceof Step.AssertItem s) {
      return assertItem(s);
    } else if (step instanceof Step.AssertUnchanged s) {
      return assertUnchanged(s);
    } else if (step instanceof Step.AssertConflicts s) {
      return assertConflicts(s);
    } else if (step instanceof Step.Drop s) {
      return call(() -> client.deleteTable(r -> r.tableName(s.table())))
          .thenReturn("dropped " + s.table())
          .onErrorResume(
              software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class,
              e -> Mono.just(s.table() + " was already gone"));
    }
    return Mono.error(new IllegalStateException("no handler for step " + step.type()));
  }

  private <T> Mono<T> call(
      java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> call) {
    return Mono.fromFuture(call)
        .retryWhen(Throttling.retry(10, Duration.ofMillis(50), Duration.ofSeconds(5), scheduler));
  }

  private long scaled(long n) {
    return Math.max(1, Math.round(n * scale));
  }

  private Mono<String> createTable(Step.CreateTable s) {
    List<AttributeDefinition> defs = new ArrayList<>();
    List<KeySchemaElement> schema = new ArrayList<>();
    s.key()
        .forEach(
            (name, type) -> {
              defs.add(
                  AttributeDefinition.builder()
                      .attributeName(name)
                      .attributeType(ScalarAttributeType.fromValue(type))
                      .build());
              schema.add(
                  KeySchemaElement.builder()
                      .attributeName(name)
                      .keyType(schema.isEmpty() ? KeyType.HASH : KeyType.RANGE)
                      .build());
            });
    boolean provisioned = "provisioned".equals(s.billing());
    return call(() ->
            client.createTable(
                r -> {
                  r.tableName(s.table()).attributeDefinitions(defs).keySchema(schema);
                  if (provisioned) {
                    r.billingMode(BillingMode.PROVISIONED)
                        .provisionedThroughput(
                            p ->
                                p.readCapacityUnits(s.rcu() == null ? 100 : s.rcu())
                                    .writeCapacityUnits(s.wcu() == null ? 100 : s.wcu()));
                  } else {
                    r.billingMode(BillingMode.PAY_PER_REQUEST);
                  }
                }))
        .then(waitActive(s.table()))
        .thenReturn(
            "created "
                + s.table()
                + (provisioned ? " (provisioned, " + s.wcu() + " WCU)" : " (on-demand)"));
  }

  private Mono<Void> waitActive(String table) {
    return call(() -> client.describeTable(r -> r.tableName(table)))
        .filter(d -> d.table().tableStatus() == TableStatus.ACTIVE)
        .repeatWhenEmpty(r -> r.delayElements(Duration.ofMillis(200), scheduler))
        .timeout(Duration.ofMinutes(10), scheduler)
        .then();
  }

  private Mono<String> seed(Runbook runbook, Step.Seed s) {
    if (s.fixture() != null) {
      Path file = runbook.dir().resolve(s.fixture());
      return environment().seeder().seed(file).map(seeded -> "seeded " + seeded.items());
    }
    long n = scaled(s.items());
    return Flux.range(1, (int) n)
        .map(DrillRunner::generated)
        .buffer(25)
        .flatMap(batch -> writeBatch(s.table(), batch), 4)
        .then(Mono.fromSupplier(() -> String.format("seeded %,d items into %s", n, s.table())));
  }

  static Map<String, AttributeValue> generated(int i) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(String.format("item#%07d", i)));
    item.put("n", AttributeValue.fromN(Integer.toString(i)));
    item.put("category", AttributeValue.fromS(CATEGORIES.get(i % CATEGORIES.size())));
    item.put("price", AttributeValue.fromN(Integer.toString(10 + i % 90)));
    item.put("status", AttributeValue.fromS("active"));
    return item;
  }

  private Mono<Void> writeBatch(String table, List<Map<String, AttributeValue>> items) {
    List<WriteRequest> requests =
        items.stream()
            .map(
                i ->
                    WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build())
            .toList();
    return writeRequests(table, requests, 0);
  }

  private Mono<Void> writeRequests(String table, List<WriteRequest> requests, int attempt) {
    return call(() -> client.batchWriteItem(r -> r.requestItems(Map.of(table, requests))))
        .flatMap(
            (BatchWriteItemResponse r) -> {
              List<WriteRequest> left =
                  r.hasUnprocessedItems()
                      ? r.unprocessedItems().getOrDefault(table, List.of())
                      : List.of();
              if (left.isEmpty()) {
                return Mono.<Void>empty();
              }
              if (attempt > 30) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.FAILED,
                        left.size()
                            + " items stayed unprocessed in "
                            + table
                            + " after 30 tries; raise its write capacity"));
              }
              long backoff = Math.min(2000, 25L << Math.min(attempt, 6));
              return Mono.delay(Duration.ofMillis(backoff), scheduler)
                  .then(writeRequests(table, left, attempt + 1));
            });
  }

  private MigrationEnvironment environment() {
    return MigrationEnvironment.create(
        client, clock, scheduler, MigrationEnvironment.Settings.defaults(target.name()));
  }

  private Mono<String> migrate(Runbook runbook, Step.Migrate s) {
    Path dir = runbook.dir().resolve(s.migrationsDir() == null ? "migrations" : s.migrationsDir());
    return Mono.defer(
        () -> {
          MigrationFile file = new MigrationCatalog(dir).resolve(s.name());
          RunRequest request =
              RunRequest.of(file, RunMode.DEV, System.getProperty("user.name", "drill"), "drill")
                  .withMaxWcu(0);
          return environment()
              .runner(dir, new SimpleMeterRegistry())
              .run(request)
              .map(
                  r ->
                      String.format(
                          "%s wrote %,d items (run %s, restore point %s)",
                          r.migration(), r.itemsWritten(), r.runId(), r.restorePoint()));
        });
  }

  private Mono<String> traffic(Step.Traffic s) {
    String action = s.action() == null ? "update" : s.action();
    Map<String, Map<String, AttributeValue>> written = new LinkedHashMap<>();
    if (s.id() != null) {
      traffic.put(s.id(), written);
    }
    Map<String, AttributeValue> set = new HashMap<>();
    if (s.set() != null) {
      s.set().forEach((k, v) -> set.put(k, AttributeValue.fromS(v)));
    }
    if (action.equals("insert")) {
      long n = scaled(s.count());
      return Flux.range(1, (int) n)
          .map(
              i -> {
                Map<String, AttributeValue> item = new HashMap<>(set);
                item.put("pk", AttributeValue.fromS(String.format("new#%07d", i)));
                return item;
              })
          .concatMap(
              item ->
                  call(() -> client.putItem(r -> r.tableName(s.table()).item(item)))
                      .doOnNext(
                          r -> written.put(ItemHash.canonical(Map.of("pk", item.get("pk"))), item)),
              1)
          .then(
              Mono.fromSupplier(
                  () -> String.format("inserted %,d new items into %s", n, s.table())));
    }
    int every = s.every();
    int offset = s.offset() == null ? 0 : s.offset();
    return keySchema(s.table())
        .flatMap(
            keys ->
                load(s.table())
                    .flatMap(
                        items -> {
                          List<Map<String, AttributeValue>> chosen = new ArrayList<>();
                          int i = 0;
                          for (Map<String, AttributeValue> item : items.values()) {
                            if (i++ % every == offset) {
                              chosen.add(key(item, keys));
                            }
                          }
                          return Flux.fromIterable(chosen)
                              .flatMap(
                                  key ->
                                      action.equals("delete")
                                          ? call(() ->
                                                  client.deleteItem(
                                                      r -> r.tableName(s.table()).key(key)))
                                              .doOnNext(r -> record(written, key, null))
                                          : update(s.table(), key, set)
                                              .doOnNext(after -> record(written, key, after)),
                                  8)
                              .then(
                                  Mono.fromSupplier(
                                      () ->
                                          String.format(
                                              "%s %,d of %,d items in %s",
                                              action.equals("delete") ? "deleted" : "updated",
                                              chosen.size(),
                                              items.size(),
                                              s.table())));
                        }));
  }

  private static synchronized void record(
      Map<String, Map<String, AttributeValue>> written,
      Map<String, AttributeValue> key,
      Map<String, AttributeValue> after) {
    written.put(ItemHash.canonical(key), after);
  }

  private Mono<Map<String, AttributeValue>> update(
      String table, Map<String, AttributeValue> key, Map<String, AttributeValue> set) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> parts = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, AttributeValue> e : set.entrySet()) {
      names.put("#a" + n, e.getKey());
      values.put(":v" + n, e.getValue());
      parts.add("#a" + n + " = :v" + n);
      n++;
    }
    return call(() ->
            client.updateItem(
                r ->
                    r.tableName(table)
                        .key(key)
                        .updateExpression("SET " + String.join(", ", parts))
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValues(ReturnValue.ALL_NEW)))
        .map(r -> r.attributes());
  }

  private Instant instant(String value) {
    Instant at = marks.get(value);
    return at != null ? at : Instant.parse(value);
  }

  private Mono<String> rollback(Step.Rollback s) {
    boolean overwrite = "overwrite".equals(s.onConflict());
    Instant t0 = instant(s.to());
    Instant t1 = s.incidentEnd() == null ? null : instant(s.incidentEnd());
    Rollbacks.TableRequest request =
        new Rollbacks.TableRequest(
            s.table(), t0, t1, overwrite, Boolean.TRUE.equals(s.deleteExtra()), RESTORE_TIMEOUT);
    return awaitRestorable(s.table(), t1 != null ? t1 : t0)
        .flatMap(
            waited ->
                inWorkDir(
                    dir -> {
                      Rollbacks rollbacks = rollbacks(dir);
                      return rollbacks
                          .planTable(request)
                          .flatMap(
                              prepared ->
                                  rollbacks
                                      .apply(prepared.plan(), applyRequest(dir, Rollbacks.newId(4)))
                                      .flatMap(
                                          result ->
                                              account(prepared.plan().items(), List.of(result))
                                                  .thenReturn(result))
                                      .flatMap(
                                          result ->
                                              rollbacks
                                                  .drop(prepared.recoveryTables())
                                                  .thenReturn(waited + summary(result))));
                    }));
  }

  private Rollbacks rollbacks(Path dir) {
    return Rollbacks.create(
        client,
        clock,
        scheduler,
        Rollbacks.Settings.defaults(
            target.name(),
            "pitr drill (" + System.getProperty("user.name", "drill") + ")",
            dir.resolve("rollbacks")));
  }

  private static ApplyRequest applyRequest(Path dir, String runId) {
    return ApplyRequest.of(runId, FileCheckpoints.in(dir), dir.resolve(runId + "-failures.jsonl"));
  }

  /** Runs {@code work} with a new temporary folder for plans and checkpoints, deleted after. */
  private static <T> Mono<T> inWorkDir(java.util.function.Function<Path, Mono<T>> work) {
    return Mono.usingWhen(
        Mono.fromCallable(() -> Files.createTempDirectory("pitr-drill-"))
            .subscribeOn(Schedulers.boundedElastic()),
        work,
        dir -> Mono.fromRunnable(() -> deleteTree(dir)));
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (java.io.IOException e) {
      // Leftover temporary files are harmless.
    }
  }

  /**
   * Waits until {@code table} can be restored to {@code at}: at once on the embedded engine once
   * time was advanced; on AWS (whose latest restorable time trails now by about five minutes) the
   * drill waits, polling every second. Emits what it waited, for the step's detail.
   */
  private Mono<String> awaitRestorable(String table, Instant at) {
    long started = scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS);
    return call(() -> client.describeContinuousBackups(r -> r.tableName(table)))
        .map(r -> r.continuousBackupsDescription().pointInTimeRecoveryDescription())
        .filter(
            p ->
                p != null
                    && p.latestRestorableDateTime() != null
                    && !p.latestRestorableDateTime().isBefore(at))
        .repeatWhenEmpty(r -> r.delayElements(Duration.ofSeconds(1), scheduler))
        .timeout(RESTORE_WINDOW_WAIT, scheduler)
        .onErrorMap(
            java.util.concurrent.TimeoutException.class,
            e ->
                new PitrException(
                    ErrorCode.FAILED,
                    "The restore window of "
                        + table
                        + " did not reach "
                        + at
                        + " within "
                        + RESTORE_WINDOW_WAIT
                        + "; check that point-in-time recovery is on"))
        .map(
            p -> {
              long waited = scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS) - started;
              return waited < 1000
                  ? ""
                  : String.format(
                      "waited %.0f s for the restore window to reach %s; ", waited / 1000.0, at);
            });
  }

  private Mono<String> migrateRollback(Runbook runbook, Step.MigrateRollback s) {
    MigrationEnvironment env = environment();
    boolean overwrite = "overwrite".equals(s.onConflict());
    String id = Rollbacks.newId(4);
    String user = System.getProperty("user.name", "drill");
    return inWorkDir(
        dir -> {
          Rollbacks rollbacks = rollbacks(dir);
          return env.<String>underLock(
              "rollback-" + id,
              s.name(),
              user,
              "drill",
              lease ->
                  rollbacks
                      .lastRun(env, s.name())
                      .flatMap(
                          run ->
                              Flux.fromIterable(run.tables())
                                  .concatMap(t -> awaitRestorable(t, run.restorePoint()))
                                  .then(
                                      rollbacks.planMigration(
                                          env, run, overwrite, RESTORE_TIMEOUT, id)))
                      .flatMap(rollback -> applyAll(env, rollbacks, rollback, lease, dir)));
        });
  }

  private Mono<String> applyAll(
      MigrationEnvironment env,
      Rollbacks rollbacks,
      Rollbacks.MigrationRollback rollback,
      Lease lease,
      Path dir) {
    String by = "pitr drill (" + System.getProperty("user.name", "drill") + ")";
    Mono<List<ApplyResult>> applied =
        Flux.fromIterable(rollback.plans())
            .index()
            .concatMap(
                p ->
                    rollbacks.apply(
                        p.getT2().plan(), applyRequest(dir, rollback.id() + "-" + (p.getT1() + 1))))
            .collectList();
    return applied.flatMap(
        results -> {
          boolean complete = results.stream().allMatch(ApplyResult::complete);
          Mono<String> marked =
              complete
                  ? rollbacks
                      .recordRolledBack(env, rollback, lease, by, results)
                      .thenReturn(" rolled back; ")
                  : Mono.just(" NOT marked rolled back (incomplete); ");
          StringBuilder counts = new StringBuilder();
          results.forEach(r -> counts.append(summary(r)));
          return account(
                  Flux.fromIterable(rollback.plans()).concatMap(p -> p.plan().items()), results)
              .then(marked)
              .flatMap(
                  m ->
                      rollbacks
                          .drop(rollback.recoveryTables())
                          .thenReturn(
                              "run "
                                  + rollback.run().runId()
                                  + " of "
                                  + rollback.run().migration()
                                  + m
                                  + counts));
        });
  }

  /**
   * Remembers the keys a rollback considered and the conflicts it reported, for {@code
   * assert-conflicts}, and adds its conflicts and lost items to the drill's totals.
   */
  private Mono<Void> account(Flux<PlanItem> items, List<ApplyResult> results) {
    return items
        .map(i -> ItemHash.canonical(i.key()))
        .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new))
        .doOnNext(
            candidates -> {
              lastCandidates = candidates;
              lastConflicts = new LinkedHashSet<>();
              for (ApplyResult result : results) {
                result.allConflicts().forEach(k -> lastConflicts.add(ItemHash.canonical(k)));
                conflicts += result.conflictCount();
                dataLost += result.notVerified().size() + result.failed().size();
              }
            })
        .then();
  }

  private static String summary(ApplyResult r) {
    return String.format(
        "restored %,d, deleted %,d, conflicts %,d, not verified %,d, failed %,d",
        r.restored(), r.deleted(), r.conflictCount(), r.notVerified().size(), r.failed().size());
  }

  private Mono<List<String>> keySchema(String table) {
    return call(() -> client.describeTable(r -> r.tableName(table)))
        .map(
            d ->
                d.table().keySchema().stream()
                    .sorted((a, b) -> a.keyTypeAsString().compareTo(b.keyTypeAsString()))
                    .map(KeySchemaElement::attributeName)
                    .toList());
  }

  private static Map<String, AttributeValue> key(
      Map<String, AttributeValue> item, List<String> keys) {
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    keys.forEach(k -> key.put(k, item.get(k)));
    return key;
  }

  /** Every item of {@code table} by canonical key, in key order. */
  private Mono<Map<String, Map<String, AttributeValue>>> load(String table) {
    ScanRequest first = ScanRequest.builder().tableName(table).consistentRead(true).build();
    return keySchema(table)
        .flatMap(
            keys ->
                call(() -> client.scan(first))
                    .expand(
                        r ->
                            r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                                ? call(
                                    () ->
                                        client.scan(
                                            first.toBuilder()
                                                .exclusiveStartKey(r.lastEvaluatedKey())
                                                .build()))
                                : Mono.empty())
                    .flatMapIterable(r -> r.items())
                    .collectMap(i -> ItemHash.canonical(key(i, keys)), i -> i, TreeMap::new));
  }

  private Mono<String> assertCount(Step.AssertCount s) {
    long expected = s.snapshot() != null ? snapshots.get(s.snapshot()).size() : scaled(s.equals());
    return call(() -> client.scan(r -> r.tableName(s.table()).select("COUNT").consistentRead(true)))
        .expand(
            r ->
                r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                    ? call(
                        () ->
                            client.scan(
                                q ->
                                    q.tableName(s.table())
                                        .select("COUNT")
                                        .consistentRead(true)
                                        .exclusiveStartKey(r.lastEvaluatedKey())))
                    : Mono.empty())
        .map(r -> (long) r.count())
        .reduce(0L, Long::sum)
        .map(
            count -> {
              if (count != expected) {
                throw new AssertionFailed(
                    String.format("%s holds %,d items, expected %,d", s.table(), count, expected));
              }
              return String.format("%s holds %,d items", s.table(), count);
            });
  }

  private Mono<String> assertItem(Step.AssertItem s) {
    return keySchema(s.table())
        .flatMap(
            keys -> {
              Map<String, AttributeValue> key = new HashMap<>();
              s.key().forEach((name, v) -> key.put(name, AttributeValue.fromS(v)));
              return call(() ->
                      client.getItem(r -> r.tableName(s.table()).key(key).consistentRead(true)))
                  .map(
                      r -> {
                        String id = DynamoJson.toText(key);
                        Map<String, AttributeValue> item =
                            r.hasItem() && !r.item().isEmpty() ? r.item() : null;
                        if (Boolean.TRUE.equals(s.absent())) {
                          if (item != null) {
                            throw new AssertionFailed(
                                "item " + id + " exists in " + s.table() + ", expected it absent");
                          }
                          return "item " + id + " is absent";
                        }
                        if (item == null) {
                          throw new AssertionFailed("item " + id + " is missing from " + s.table());
                        }
                        List<String> wrong = new ArrayList<>();
                        if (s.attributes() != null) {
                          s.attributes()
                              .forEach(
                                  (name, want) -> {
                                    AttributeValue v = item.get(name);
                                    String got =
                                        v == null
                                            ? null
                                            : v.s() != null
                                                ? v.s()
                                                : v.n() != null
                                                    ? v.n()
                                                    : DynamoJson.toText(Map.of(name, v));
                                    if (!want.equals(got)) {
                                      wrong.add(
                                          name
                                              + " is "
                                              + (got == null ? "absent" : "'" + got + "'")
                                              + ", expected '"
                                              + want
                                              + "'");
                                    }
                                  });
                        }
                        if (!wrong.isEmpty()) {
                          throw new AssertionFailed("item " + id + ": " + String.join("; ", wrong));
                        }
                        return "item " + id + " is as expected";
                      });
            });
  }

  private Mono<String> assertUnchanged(Step.AssertUnchanged s) {
    Map<String, Map<String, AttributeValue>> before = snapshots.get(s.snapshot());
    Map<String, Map<String, AttributeValue>> kept = new HashMap<>();
    if (s.except() != null) {
      s.except().forEach(id -> kept.putAll(traffic.get(id)));
    }
    return load(s.table())
        .map(
            now -> {
              List<String> lost = new ArrayList<>();
              List<String> clobbered = new ArrayList<>();
              Set<String> ids = new LinkedHashSet<>(before.keySet());
              ids.addAll(now.keySet());
              for (String id : ids) {
                Map<String, AttributeValue> current = now.get(id);
                if (kept.containsKey(id)) {
                  if (!same(current, kept.get(id))) {
                    clobbered.add(describe(id, current, kept.get(id)));
                  }
                } else if (!same(current, before.get(id))) {
                  lost.add(describe(id, current, before.get(id)));
                }
              }
              dataLost += lost.size();
              if (!lost.isEmpty() || !clobbered.isEmpty()) {
                StringBuilder why = new StringBuilder();
                if (!lost.isEmpty()) {
                  why.append(
                      String.format(
                          "%,d items differ from snapshot %s (data lost), e.g. %s",
                          lost.size(),
                          s.snapshot(),
                          String.join("; ", lost.subList(0, Math.min(3, lost.size())))));
                }
                if (!clobbered.isEmpty()) {
                  why.append(why.length() == 0 ? "" : ". ")
                      .append(
                          String.format(
                              "%,d items written during the incident were overwritten, e.g. %s",
                              clobbered.size(),
                              String.join(
                                  "; ", clobbered.subList(0, Math.min(3, clobbered.size())))));
                }
                throw new AssertionFailed(why.toString());
              }
              return String.format(
                  "%,d items as in snapshot %s, %,d items written during the incident kept",
                  now.size() - kept.values().stream().filter(v -> v != null).count(),
                  s.snapshot(),
                  kept.size());
            });
  }

  private static boolean same(Map<String, AttributeValue> a, Map<String, AttributeValue> b) {
    return a == null || b == null ? a == b : ItemHash.of(a).equals(ItemHash.of(b));
  }

  private static String describe(
      String id, Map<String, AttributeValue> now, Map<String, AttributeValue> expected) {
    return "key "
        + id
        + " is "
        + (now == null ? "missing" : DynamoJson.toText(now))
        + ", expected "
        + (expected == null ? "absent" : DynamoJson.toText(expected));
  }

  private Mono<String> assertConflicts(Step.AssertConflicts s) {
    return Mono.fromSupplier(
        () -> {
          List<String> wrong = new ArrayList<>();
          if (s.equals() != null && lastConflicts.size() != s.equals()) {
            wrong.add(
                String.format(
                    "the rollback reported %,d conflicts, expected %,d",
                    lastConflicts.size(), s.equals()));
          }
          if (s.traffic() != null) {
            Set<String> expected = new LinkedHashSet<>(traffic.get(s.traffic()).keySet());
            expected.retainAll(lastCandidates);
            if (expected.isEmpty()) {
              wrong.add(
                  "traffic "
                      + s.traffic()
                      + " wrote no item the rollback considered, so the drill does not test conflicts; make the traffic overlap the bad change");
            }
            Set<String> missing = new LinkedHashSet<>(expected);
            missing.removeAll(lastConflicts);
            Set<String> extra = new LinkedHashSet<>(lastConflicts);
            extra.removeAll(expected);
            if (!missing.isEmpty()) {
              wrong.add(
                  String.format(
                      "%,d items written by %s were not reported as conflicts, e.g. %s",
                      missing.size(), s.traffic(), missing.iterator().next()));
            }
            if (!extra.isEmpty()) {
              wrong.add(
                  String.format(
                      "%,d conflicts were not written by %s, e.g. %s",
                      extra.size(), s.traffic(), extra.iterator().next()));
            }
          }
          if (!wrong.isEmpty()) {
            throw new AssertionFailed(String.join("; ", wrong));
          }
          return String.format("%,d conflicts reported, as expected", lastConflicts.size());
        });
  }
}
