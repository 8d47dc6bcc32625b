package pitr.rollback;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.copy.ConditionalWriter;
import pitr.copy.CopyRunRecord;
import pitr.copy.PlanProgress;
import pitr.copy.RunLease;
import pitr.copy.WorkerProgress;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.KeySchema;
import pitr.dynamo.TableCapacity;
import pitr.dynamo.Throttling;
import pitr.migrate.DynamoJson;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Applies a plan exactly as it is, through the copy engine's {@link ConditionalWriter}: each write
 * is a single PutItem or DeleteItem conditional on the item still being the image the plan saw
 * (every attribute compared, or absent), paced by the adaptive rate limiter and retried with the
 * shared backoff. Writes that still fail go to the failure file; nothing is dropped.
 *
 * <p>A saved plan's file is checked against its seal first, before anything is written. The plan's
 * items are taken in chunks of {@link ApplyRequest#chunkItems()} (by position in the plan). Each
 * chunk's items are first read back (strongly consistent): an item that already is its planned
 * image counts as already applied and is not written; one that is neither the planned nor the
 * expected image changed since planning and is kept as a conflict; the others are written
 * conditionally, then read back and compared with the plan. A chunk whose writes all settled
 * (written, already applied, or conflict) is checkpointed as done ({@link PlanProgress}).
 *
 * <p>Rerunning is safe. A resumed run ({@code --resume}) skips chunks marked done, only reading
 * their items back so conflicts found by the earlier attempt are still reported; an item written
 * just before a kill, in a chunk not yet checkpointed, reads back as already applied.
 */
final class RollbackApplier {
  private static final Logger log = LoggerFactory.getLogger(RollbackApplier.class);
  private static final int CHUNKS_IN_FLIGHT = 4;
  private static final int WRITES_PER_CHUNK = 8;

  private final Tables tables;
  private final Clock clock;
  private final Scheduler scheduler;
  private final BooleanSupplier stopped;
  private final ApplyProgress report;

  RollbackApplier(Tables tables, Clock clock, Scheduler scheduler) {
    this(tables, clock, scheduler, () -> false, ApplyProgress.NONE);
  }

  /**
   * @param stopped read before each chunk is started: once true, no new chunk starts, the chunks in
   *     flight settle and are checkpointed, and the apply ends as a partial one that a resume
   *     continues
   * @param report hears how far the apply is
   */
  RollbackApplier(
      Tables tables,
      Clock clock,
      Scheduler scheduler,
      BooleanSupplier stopped,
      ApplyProgress report) {
    this.tables = tables;
    this.clock = clock;
    this.scheduler = scheduler;
    this.stopped = stopped;
    this.report = report;
  }

  /** Tallies of one apply; lists hold keys. */
  private static final class Tally {
    final AtomicLong restored = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong alreadyApplied = new AtomicLong();
    final AtomicInteger skipped = new AtomicInteger();
    final DoubleAdder wcu = new DoubleAdder();
    final List<Map<String, AttributeValue>> conflicts = synced();
    final List<Map<String, AttributeValue>> changed = synced();
    final List<String> failed = Collections.synchronizedList(new ArrayList<>());
    final List<Map<String, AttributeValue>> notVerified = synced();

    WorkerProgress progress(Instant start) {
      return new WorkerProgress(
          start, restored.get() + deleted.get() + alreadyApplied.get(), wcu.sum(), failed.size());
    }

    private static List<Map<String, AttributeValue>> synced() {
      return Collections.synchronizedList(new ArrayList<>());
    }
  }

  Mono<ApplyResult> apply(RollbackPlan plan, ApplyRequest request) {
    return apply(plan, request, () -> {});
  }

  /**
   * As {@link #apply(RollbackPlan, ApplyRequest)}, calling {@code recorded} once the run is
   * recorded in {@link ApplyRequest#checkpoints()}, before the first item is written: from then on
   * {@code --resume} finds it. An apply that fails before that (refused by IAM, by its write proof,
   * or by its checkpoints) has written nothing and left no run to resume.
   */
  Mono<ApplyResult> apply(RollbackPlan plan, ApplyRequest request, Runnable recorded) {
    return Mono.defer(
        () -> {
          // Read where the apply is subscribed (a blocking caller), not on a worker that a
          // cancelled apply would interrupt.
          plan.checkFile();
          // A run that exists already keeps the chunk size it recorded.
          return PlanProgress.recordedChunkItems(
                  request.checkpoints(), request.runId(), plan.fingerprint())
              .defaultIfEmpty(request.chunkItems())
              .doOnNext(
                  chunkItems -> {
                    if (chunkItems != request.chunkItems()) {
                      log.warn(
                          "Run {} applies its plan in the chunks of {} items it recorded; chunks"
                              + " of {} would not match its checkpoints, so they are not used",
                          request.runId(),
                          chunkItems,
                          request.chunkItems());
                    }
                  })
              .flatMap(
                  chunkItems -> applyInChunks(plan, request.withChunkItems(chunkItems), recorded));
        });
  }

  private Mono<ApplyResult> applyInChunks(
      RollbackPlan plan, ApplyRequest request, Runnable recorded) {
    return Mono.defer(
        () -> {
          Instant start = clock.instant();
          String table = plan.table();
          int chunkItems = request.chunkItems();
          int chunks = (int) ((plan.size() + chunkItems - 1) / chunkItems);
          return tables
              .gateway()
              .describeTable(table)
              .doOnNext(description -> checkKeys(plan, KeySchema.of(description)))
              // Before the run is opened and the first item written: every kind of write it makes
              // is allowed, or nothing is written.
              .flatMap(
                  description -> WriteProof.prove(tables.gateway(), plan).thenReturn(description))
              .flatMap(
                  description ->
                      PlanProgress.open(
                              request.checkpoints(),
                              request.runId(),
                              request.resume(),
                              plan.fingerprint(),
                              table,
                              chunkItems,
                              chunks,
                              request.worker(),
                              clock)
                          .doOnNext(progress -> recorded.run())
                          .flatMap(progress -> run(plan, request, progress, start, description)));
        });
  }

  /** Refuses a plan whose keys are not the table's key, before anything is written. */
  private static void checkKeys(RollbackPlan plan, KeySchema schema) {
    for (Action a : Action.values()) {
      for (Map<String, AttributeValue> key : plan.samples(a)) {
        String problem = schema.problemWith(key);
        if (problem != null) {
          throw new StalePlanException(
              "Rollback plan for "
                  + plan.table()
                  + " has key "
                  + DynamoJson.toText(key)
                  + ", which is not a key of the table ("
                  + problem
                  + "); was the table recreated since planning? Make a new plan");
        }
      }
    }
  }

  /**
   * The one limiter of an apply: it starts at the lower of {@code --max-wcu} and what {@code table}
   * can take by its description (none stated: the cap alone), so the first second is already at
   * that rate, and backs off only on throttling.
   */
  static AdaptiveRateLimiter limiter(
      ApplyRequest request, TableDescription table, Scheduler scheduler) {
    return AdaptiveRateLimiter.create(request.maxWcu(), TableCapacity.writeUnits(table), scheduler);
  }

  /**
   * Applies from {@code progress} on, paced by one limiter that starts at the lower of {@code
   * --max-wcu} and what the table's description says it can take ({@link #limiter}).
   */
  private Mono<ApplyResult> run(
      RollbackPlan plan,
      ApplyRequest request,
      PlanProgress progress,
      Instant start,
      TableDescription description) {
    String table = plan.table();
    Tally tally = new Tally();
    AtomicBoolean cut = new AtomicBoolean();
    AdaptiveRateLimiter limiter = limiter(request, description, scheduler);
    ConditionalWriter writer =
        ConditionalWriter.create(
            tables.gateway(),
            table,
            limiter,
            Throttling.retry(
                request.retries(), request.minBackoff(), request.maxBackoff(), scheduler),
            request.failureFile());
    report.expect(ownItems(plan.size(), request.chunkItems(), progress));
    log.info(
        "event=rollback_apply_start run={} table={} items={} chunks={} done_before={}",
        progress.runId(),
        table,
        plan.size(),
        progress.chunks(),
        progress.doneCount());
    AtomicReference<CopyRunRecord.Abandoned> abandoned = new AtomicReference<>();
    Disposable heartbeat =
        Flux.interval(RunLease.heartbeatEvery(), RunLease.heartbeatEvery(), scheduler)
            .onBackpressureDrop()
            .concatMap(
                t ->
                    progress
                        .heartbeat(false, tally.progress(start))
                        // Abandoned while it ran (runs abandon --force): start no new chunk.
                        .then(
                            Mono.defer(
                                () ->
                                    abandoned.get() != null
                                        ? Mono.<CopyRunRecord.Abandoned>empty()
                                        : progress.abandonment()))
                        .doOnNext(
                            a -> {
                              log.warn(
                                  "event=run_abandoned run={} at={} by={}; stopping",
                                  progress.runId(),
                                  a.at(),
                                  a.by().describe());
                              abandoned.set(a);
                            })
                        .then()
                        .onErrorResume(e -> Mono.empty()))
            .subscribe();
    return plan.items()
        .buffer(request.chunkItems())
        .index()
        // Another worker's chunks are its own: not read, not counted.
        .filter(indexed -> progress.owns((int) (long) indexed.getT1()))
        .takeWhile(
            indexed -> {
              if (stopped.getAsBoolean() || abandoned.get() != null) {
                cut.set(true);
                return false;
              }
              return true;
            })
        .flatMap(
            indexed -> {
              int chunk = (int) (long) indexed.getT1();
              List<PlanItem> items = indexed.getT2();
              long conflicts = 0;
              for (PlanItem i : items) {
                if (i.action() == Action.CONFLICT) {
                  tally.conflicts.add(i.key());
                  conflicts++;
                }
              }
              if (conflicts > 0) {
                log.debug(
                    "rollback conflicts table={} chunk={} kept={} (changed after the bad change)",
                    table,
                    chunk,
                    conflicts);
              }
              if (progress.done(chunk)) {
                tally.skipped.incrementAndGet();
                return recheck(table, items, tally).doOnSuccess(v -> report.done(items.size()));
              }
              return applyChunk(table, items, writer, tally)
                  .flatMap(ok -> ok ? progress.markDone(chunk) : Mono.empty())
                  .doOnSuccess(v -> report.done(items.size()));
            },
            CHUNKS_IN_FLIGHT)
        .then(Mono.defer(() -> progress.heartbeat(progress.shareDone(), tally.progress(start))))
        .then(Mono.defer(progress::doneInRun))
        .map(
            runDone ->
                new ApplyResult(
                    progress.runId(),
                    tally.restored.get(),
                    tally.deleted.get(),
                    tally.alreadyApplied.get(),
                    List.copyOf(tally.conflicts),
                    List.copyOf(tally.changed),
                    List.copyOf(tally.failed),
                    List.copyOf(tally.notVerified),
                    tally.wcu.sum(),
                    Duration.between(start, clock.instant()),
                    progress.chunks(),
                    tally.skipped.get(),
                    writer.failed() > 0 ? writer.failureFile() : null,
                    progress.worker(),
                    progress.ownChunks(),
                    runDone,
                    cut.get(),
                    abandoned.get()))
        .doOnNext(
            r ->
                log.info(
                    "event=rollback_apply_done run={} table={} restored={} deleted={}"
                        + " already_applied={} conflicts={} failed={} not_verified={}",
                    r.runId(),
                    table,
                    r.restored(),
                    r.deleted(),
                    r.alreadyApplied(),
                    r.conflictCount(),
                    r.failed().size(),
                    r.notVerified().size()))
        .doFinally(
            s -> {
              heartbeat.dispose();
              try {
                writer.close();
              } catch (IOException e) {
                log.debug("event=failure_file_close_failed file={}", writer.failureFile(), e);
              }
            });
  }

  /** The plan items of the chunks {@code progress} owns, of a plan of {@code size} items. */
  private static long ownItems(long size, int chunkItems, PlanProgress progress) {
    long items = 0;
    for (int chunk = 0; (long) chunk * chunkItems < size; chunk++) {
      if (progress.owns(chunk)) {
        items += Math.min(chunkItems, size - (long) chunk * chunkItems);
      }
    }
    return items;
  }

  /**
   * Writes one chunk: read back, write what still needs it, verify. Emits true when every write
   * settled, false when some went to the failure file.
   */
  private Mono<Boolean> applyChunk(
      String table, List<PlanItem> items, ConditionalWriter writer, Tally tally) {
    List<PlanItem> writes = items.stream().filter(PlanItem::writes).toList();
    if (writes.isEmpty()) {
      return Mono.just(true);
    }
    AtomicBoolean settled = new AtomicBoolean(true);
    List<PlanItem> written = Collections.synchronizedList(new ArrayList<>());
    return read(table, writes.stream().map(PlanItem::key).toList())
        .flatMapMany(
            now ->
                Flux.fromIterable(writes)
                    .filter(
                        item -> {
                          Map<String, AttributeValue> live = now.get(Tables.keyId(item.key()));
                          if (Tables.same(live, item.image())) {
                            tally.alreadyApplied.incrementAndGet();
                            return false;
                          }
                          if (!Tables.same(live, item.expected())) {
                            tally.changed.add(item.key());
                            return false;
                          }
                          return true;
                        }))
        .flatMap(
            item ->
                write(writer, item)
                    .doOnNext(
                        o -> {
                          tally.wcu.add(o.units());
                          boolean wrote = o.status() == ConditionalWriter.Status.WRITTEN;
                          boolean delete = item.action() == Action.DELETE;
                          report.wrote(
                              wrote && !delete ? 1 : 0,
                              wrote && delete ? 1 : 0,
                              o.status() == ConditionalWriter.Status.FAILED ? 1 : 0,
                              o.units());
                          switch (o.status()) {
                            case WRITTEN -> {
                              written.add(item);
                              (delete ? tally.deleted : tally.restored).incrementAndGet();
                            }
                            case ALREADY_APPLIED -> tally.alreadyApplied.incrementAndGet();
                            case CHANGED -> tally.changed.add(item.key());
                            case FAILED -> {
                              settled.set(false);
                              tally.failed.add(DynamoJson.toText(item.key()) + ": " + o.error());
                            }
                          }
                        }),
            WRITES_PER_CHUNK)
        .then(Mono.defer(() -> verify(table, List.copyOf(written), tally)))
        .then(Mono.fromCallable(settled::get));
  }

  private static Mono<ConditionalWriter.Outcome> write(ConditionalWriter writer, PlanItem item) {
    ConditionalWriter.Condition c = ExpectedImage.of(item.key(), item.expected()).condition();
    return item.action() == Action.DELETE
        ? writer.delete(item.key(), c)
        : writer.put(item.image(), item.key(), c);
  }

  /** The live items of {@code keys}, by key id ({@link Tables#keyId}), counted as read. */
  private Mono<Map<String, Map<String, AttributeValue>>> read(
      String table, List<Map<String, AttributeValue>> keys) {
    DoubleAdder units = new DoubleAdder();
    return tables
        .get(table, keys, units::add)
        .doOnNext(found -> report.read(found.size(), units.sum()));
  }

  /** Reads back the items of a chunk an earlier attempt finished: as planned, or a conflict. */
  private Mono<Void> recheck(String table, List<PlanItem> items, Tally tally) {
    List<PlanItem> writes = items.stream().filter(PlanItem::writes).toList();
    if (writes.isEmpty()) {
      return Mono.empty();
    }
    return read(table, writes.stream().map(PlanItem::key).toList())
        .doOnNext(
            now -> {
              for (PlanItem i : writes) {
                if (Tables.same(now.get(Tables.keyId(i.key())), i.image())) {
                  tally.alreadyApplied.incrementAndGet();
                } else {
                  tally.changed.add(i.key());
                }
              }
            })
        .then();
  }

  /** Reads back the written items; those that do not hold the planned image are not verified. */
  private Mono<Void> verify(String table, List<PlanItem> written, Tally tally) {
    if (written.isEmpty()) {
      return Mono.empty();
    }
    return read(table, written.stream().map(PlanItem::key).toList())
        .doOnNext(
            now -> {
              for (PlanItem i : written) {
                if (!Tables.same(now.get(Tables.keyId(i.key())), i.image())) {
                  tally.notVerified.add(i.key());
                }
              }
            })
        .then();
  }

  /** A ConditionExpression that holds when the item is exactly {@code expected}. */
  record ExpectedImage(
      String expression, Map<String, String> names, Map<String, AttributeValue> values) {
    static ExpectedImage of(Map<String, AttributeValue> key, Map<String, AttributeValue> expected) {
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>();
      if (expected == null) {
        names.put("#k", key.keySet().iterator().next());
        return new ExpectedImage("attribute_not_exists(#k)", names, values);
      }
      List<String> parts = new ArrayList<>();
      int n = 0;
      for (Map.Entry<String, AttributeValue> e : new java.util.TreeMap<>(expected).entrySet()) {
        names.put("#a" + n, e.getKey());
        values.put(":v" + n, e.getValue());
        parts.add("#a" + n + " = :v" + n);
        n++;
      }
      return new ExpectedImage(String.join(" AND ", parts), names, values);
    }

    ConditionalWriter.Condition condition() {
      return new ConditionalWriter.Condition(expression, names, values);
    }
  }
}
