package pitr.copy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.ItemSizes;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanPage;
import pitr.dynamo.ScanSpec;
import pitr.dynamo.Throttling;
import pitr.metrics.CopyMeters;
import pitr.metrics.Meter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Copies a recovery table back into a live table: a parallel scan of the source, batches of 25
 * written under an adaptive write-unit limit with at most {@code concurrency} batches in flight,
 * and a checkpoint per segment after each page whose items are all written.
 *
 * <p>Safe to rerun: puts and deletes are idempotent. A resumed run ({@code --resume}) keeps the
 * limits of its run ({@link RunLimits}), skips finished segments and restarts each unfinished one
 * after its last fully written page, and first writes again the items that earlier processes of the
 * run filed as failed ({@link EarlierFailures}). Items that stay unwritten after the retry budget
 * go to this process's failure file, never away, and the page they came from is not checkpointed,
 * so a resume covers them too; the result counts them and the CLI then exits with {@link
 * ErrorCode#PARTIAL}. Every check ({@link #plan}) happens before the first write; a refused request
 * writes nothing.
 */
public final class CopyBack {
  private static final Logger log = LoggerFactory.getLogger(CopyBack.class);
  private static final long SEGMENT_BYTES = 128L * 1024 * 1024;

  /** A 1 MB scan page read eventually consistent: 1 MB / 4 KB / 2. */
  private static final double FULL_PAGE_READ_UNITS = 128;

  private final DynamoDbGateway gateway;
  private final Checkpoints checkpoints;
  private final CopyMeters meters;
  private final Clock clock;
  private final Duration heartbeatEvery;
  private final KeyLookup lookup;
  private volatile AdaptiveRateLimiter writeLimiter;
  private volatile boolean stopRequested;
  private volatile CopyRunRecord.Abandoned abandoned;

  private CopyBack(
      DynamoDbGateway gateway,
      Checkpoints checkpoints,
      CopyMeters meters,
      Clock clock,
      Duration heartbeatEvery) {
    this.gateway = gateway;
    this.checkpoints = checkpoints;
    this.meters = meters;
    this.clock = clock;
    this.heartbeatEvery = heartbeatEvery;
    this.lookup = new KeyLookup(gateway, meters);
  }

  public static CopyBack create(
      DynamoDbGateway gateway, Checkpoints checkpoints, CopyMeters meters, Clock clock) {
    return new CopyBack(gateway, checkpoints, meters, clock, RunLease.heartbeatEvery());
  }

  /** A copy-back that renews its heartbeat every {@code heartbeatEvery}, for tests. */
  static CopyBack create(
      DynamoDbGateway gateway,
      Checkpoints checkpoints,
      CopyMeters meters,
      Clock clock,
      Duration heartbeatEvery) {
    return new CopyBack(gateway, checkpoints, meters, clock, heartbeatEvery);
  }

  /** The write limiter of the current run, for progress displays; null before a run. */
  public AdaptiveRateLimiter writeLimiter() {
    return writeLimiter;
  }

  /**
   * Asks the running copy to stop: no new scan page, segment or key batch is started, the writes in
   * flight settle (written or filed as failed), and each page fully written is checkpointed, so a
   * resume starts where this one stopped. The run's result then says {@link CopyResult#stopped()}.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /** Default segments for a table of {@code bytes}: one per 128 MB, at least 4, at most 1000. */
  static int defaultSegments(long bytes, Worker worker) {
    long bySize = (bytes + SEGMENT_BYTES - 1) / SEGMENT_BYTES;
    return (int) Math.min(1000, Math.max(Math.max(4, bySize), worker.count()));
  }

  /** Checks the request and runs it; see the class comment for failure and rerun. */
  public Mono<CopyResult> run(CopyRequest request) {
    return plan(request).flatMap(this::run);
  }

  /**
   * Checks everything before the first write; see {@link CopyPlanner#plan}.
   *
   * @throws PitrException {@link ErrorCode#USAGE} for invalid input, {@link ErrorCode#REFUSED} for
   *     a refused direction
   */
  public Mono<CopyPlan> plan(CopyRequest r) {
    return new CopyPlanner(gateway, checkpoints, lookup).plan(r);
  }

  // Run ----------------------------------------------------------------------------------------

  /** Runs a checked copy ({@link #plan}); see the class comment for failure and rerun. */
  public Mono<CopyResult> run(CopyPlan plan) {
    CopyRequest r = plan.request;
    Instant started = clock.instant();
    CopyRequest.Throughput pace = r.throughput();
    AdaptiveRateLimiter writes =
        AdaptiveRateLimiter.create(pace.maxWcu(), plan.units.targetWrites(), gateway.scheduler());
    writeLimiter = writes;
    meters.rateLimit(writes::rate);
    AdaptiveRateLimiter reads =
        AdaptiveRateLimiter.create(pace.maxRcu(), plan.units.sourceReads(), gateway.scheduler());
    FailureFile failures = new FailureFile(r.failureFile());
    BatchWriter writer =
        new BatchWriter(
            gateway,
            r.target(),
            writes,
            Throttling.retry(
                r.retry().retries(),
                r.retry().minBackoff(),
                r.retry().maxBackoff(),
                gateway.scheduler()),
            failures,
            meters);
    Totals totals = new Totals();
    log.info(
        "event=copy_start run={} direction=\"{}\" segments={} worker={} dry_run={} limits=\"{}\"",
        r.runId(),
        plan.direction(),
        plan.segments,
        r.worker(),
        r.dryRun(),
        r.limits().describe(plan.segments));
    Mono<Void> work;
    if (r.items() instanceof CopySource.Replay replay) {
      work = replay(plan, replay, writer, totals);
    } else if (r.dryRun()) {
      work = copy(plan, writer, reads, totals, Map.of());
    } else {
      work =
          RunSession.open(
                  checkpoints,
                  r,
                  plan.segments,
                  failures,
                  clock,
                  gateway.scheduler(),
                  heartbeatEvery,
                  () -> totals.progress(started))
              .doOnNext(
                  session ->
                      session.onAbandoned(
                          a -> {
                            log.warn(
                                "event=run_abandoned run={} at={} by={}; stopping",
                                r.runId(),
                                a.at(),
                                a.by().describe());
                            abandoned = a;
                            stopRequested = true;
                          }))
              .flatMap(
                  session ->
                      writeAll(
                              r,
                              plan.earlier.requests().takeWhile(w -> !stopRequested),
                              writer,
                              pace.concurrency(),
                              totals,
                              totals.retried)
                          .then(session.saveFailures())
                          // Stopped part-way, the earlier failures are not all written again.
                          .then(
                              Mono.defer(
                                  () ->
                                      stopRequested
                                          ? Mono.<Void>empty()
                                          : plan.earlier
                                              .resolve(checkpoints, r.runId())
                                              .doOnSuccess(
                                                  v ->
                                                      totals.resolved.addAll(
                                                          plan.earlier.files()))))
                          .then(copy(plan, writer, reads, totals, session.positions()))
                          .then(
                              Mono.defer(
                                  () -> session.finish(totals.failed.get() == 0 && !stopRequested)))
                          .doFinally(s -> session.close()));
    }
    return work.then(Mono.fromCallable(() -> result(plan, totals, started)))
        .doFinally(
            s -> {
              try {
                failures.close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  /** Copies a scan or a keys file; a replay has no source to copy ({@link #replay}). */
  private Mono<Void> copy(
      CopyPlan plan,
      BatchWriter writer,
      AdaptiveRateLimiter reads,
      Totals totals,
      Map<Integer, SegmentPosition> saved) {
    if (plan.request.items() instanceof CopySource.Scan scan) {
      return copyScan(plan, scan, writer, reads, totals, saved)
          .then(deleteExtra(plan, writer, totals));
    }
    return copyKeys(plan, writer, totals);
  }

  /** With {@code --delete-extra}, after a scan: deletes the target's items the source lacks. */
  private Mono<Void> deleteExtra(CopyPlan plan, BatchWriter writer, Totals totals) {
    CopyRequest r = plan.request;
    if (!r.deleteExtra() || stopRequested) {
      return Mono.empty();
    }
    if (r.dryRun()) {
      return Mono.fromRunnable(() -> totals.deleted.addAndGet(plan.extraItems));
    }
    return new ExtraItems(gateway, lookup)
        .stillMissing(r, plan.schema, plan.extraKeys)
        .map(CopyBack::delete)
        .buffer(25)
        .concatMap(
            batch -> writeAll(r, Flux.fromIterable(batch), writer, 1, totals, totals.deleted))
        .then();
  }

  // Scan mode ----------------------------------------------------------------------------------

  private Mono<Void> copyScan(
      CopyPlan plan,
      CopySource.Scan scan,
      BatchWriter writer,
      AdaptiveRateLimiter reads,
      Totals totals,
      Map<Integer, SegmentPosition> saved) {
    CopyRequest r = plan.request;
    List<Integer> mine = new ArrayList<>();
    for (int s = 0; s < plan.segments; s++) {
      if (r.worker().owns(s)) {
        mine.add(s);
      }
    }
    int concurrency = r.throughput().concurrency();
    int parallel = Math.max(1, Math.min(mine.size(), concurrency));
    int perSegment = Math.max(1, (concurrency + parallel - 1) / parallel);
    ScanSpec spec = CopyFilter.spec(r.source(), scan, plan.segments);
    return Flux.fromIterable(mine)
        .filter(
            s -> {
              if (stopRequested) {
                return false;
              }
              SegmentPosition p = saved.get(s);
              if (p != null && p.done()) {
                totals.skipped.incrementAndGet();
                return false;
              }
              return true;
            })
        .flatMap(
            s ->
                copySegment(
                        r,
                        spec,
                        s,
                        saved.getOrDefault(s, SegmentPosition.start(s)),
                        writer,
                        reads,
                        perSegment,
                        totals)
                    .doOnNext(clean -> (clean ? totals.copied : totals.left).incrementAndGet()),
            parallel)
        .then();
  }

  /**
   * Copies one segment from {@code from}; emits true when every item was written. A page with an
   * item in the failure file is not checkpointed, nor is any page after it: a resume starts the
   * segment again at that page. A page's checkpoint is saved once its writes are acknowledged,
   * after the previous page's, while the next page is written: it never points past an unwritten
   * item, and the copy does not stall on each save (an fsync, or a checkpoint-table write); a
   * resume may write one page again.
   */
  private Mono<Boolean> copySegment(
      CopyRequest r,
      ScanSpec spec,
      int segment,
      SegmentPosition from,
      BatchWriter writer,
      AdaptiveRateLimiter reads,
      int concurrency,
      Totals totals) {
    AtomicBoolean clean = new AtomicBoolean(true);
    // No prefetch: the scan already reads the segment's next page while this one is written
    // (expand asks for it as soon as a page arrives), so a segment holds at most two pages.
    return pacedScan(spec, segment, from, reads)
        // A page read after a stop is not written; its segment resumes at that page.
        .takeWhile(page -> !stopRequested)
        .concatMap(
            page -> {
              meters.add(Meter.ITEMS_READ, page.scanned());
              meters.add(Meter.RCU_CONSUMED, page.readUnits());
              totals.read.addAndGet(page.items().size());
              SegmentPosition position = new SegmentPosition(segment, page.next(), page.last());
              return writeAll(
                      r,
                      Flux.fromIterable(puts(page.items())),
                      writer,
                      concurrency,
                      totals,
                      totals.written)
                  .map(failed -> new Written(position, failed));
            },
            0)
        // One written page ahead: the next page is written while this one's checkpoint is saved.
        .concatMap(
            written -> {
              if (written.failed() > 0) {
                clean.set(false);
              }
              return r.dryRun() || !clean.get()
                  ? Mono.<Void>empty()
                  : checkpoints.save(r.runId(), written.position());
            },
            1)
        .then(Mono.fromCallable(() -> clean.get() && !stopRequested));
  }

  /**
   * The pages of one segment, each read only once the read limiter admits it: a page takes the
   * units its segment's last page cost (the first, a full page's), settled with what DynamoDB
   * reports, so a {@code --max-rcu} cap holds from the first pages on.
   */
  private Flux<ScanPage> pacedScan(
      ScanSpec spec, int segment, SegmentPosition from, AdaptiveRateLimiter reads) {
    return pacedPage(spec, segment, from.resumeAfter(), reads, FULL_PAGE_READ_UNITS)
        .expand(
            page ->
                page.last()
                    ? Mono.empty()
                    : pacedPage(
                        spec,
                        segment,
                        page.next(),
                        reads,
                        page.readUnits() > 0 ? page.readUnits() : FULL_PAGE_READ_UNITS));
  }

  private Mono<ScanPage> pacedPage(
      ScanSpec spec,
      int segment,
      Map<String, AttributeValue> after,
      AdaptiveRateLimiter reads,
      double estimate) {
    if (!reads.limited()) {
      return gateway.scanPage(spec, segment, after);
    }
    return reads
        .acquire(estimate)
        .then(gateway.scanPage(spec, segment, after))
        .doOnNext(page -> reads.settle(estimate, page.readUnits()));
  }

  /** A page whose writes are acknowledged (its position only: the items are let go). */
  private record Written(SegmentPosition position, long failed) {}

  private static List<WriteRequest> puts(List<Map<String, AttributeValue>> items) {
    List<WriteRequest> out = new ArrayList<>(items.size());
    for (Map<String, AttributeValue> item : items) {
      out.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    return out;
  }

  private static WriteRequest delete(Map<String, AttributeValue> key) {
    return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
  }

  /**
   * Writes {@code requests} in batches of 25, at most {@code concurrency} in flight, counting what
   * was written in {@code done}; emits how many went to the failure file. A dry run only counts.
   */
  private Mono<Long> writeAll(
      CopyRequest r,
      Flux<WriteRequest> requests,
      BatchWriter writer,
      int concurrency,
      Totals totals,
      AtomicLong done) {
    AtomicLong failed = new AtomicLong();
    Flux<List<WriteRequest>> batches = requests.buffer(25);
    if (r.dryRun()) {
      return batches
          .doOnNext(
              b -> {
                totals.units.add(BatchWriter.estimate(b));
                done.addAndGet(b.size());
              })
          .then(Mono.just(0L));
    }
    boolean deletes = done == totals.deleted;
    return batches
        .flatMap(writer::write, concurrency)
        .doOnNext(
            o -> {
              done.addAndGet(o.written());
              meters.add(deletes ? Meter.ITEMS_DELETED : Meter.ITEMS_WRITTEN, o.written());
              failed.addAndGet(o.failed());
              totals.failed.addAndGet(o.failed());
              totals.units.add(o.units());
            })
        .then(Mono.fromCallable(failed::get));
  }

  // Keys mode ----------------------------------------------------------------------------------

  private Mono<Void> copyKeys(CopyPlan plan, BatchWriter writer, Totals totals) {
    CopyRequest r = plan.request;
    KeySchema schema = plan.schema;
    return KeysFile.lines(plan.keys)
        .map(line -> schema.keyOf(ItemJson.read(line)))
        .buffer(100)
        .map(keys -> new ArrayList<>(new LinkedHashSet<>(keys)))
        .takeWhile(keys -> !stopRequested)
        .concatMap(
            keys ->
                lookup
                    .fetch(r.source(), keys, Map.of(), null)
                    .flatMap(
                        found -> {
                          meters.add(Meter.ITEMS_READ, found.size());
                          totals.read.addAndGet(found.size());
                          Set<Map<String, AttributeValue>> present = new HashSet<>();
                          found.forEach(i -> present.add(schema.keyOf(i)));
                          List<WriteRequest> deletes = new ArrayList<>();
                          for (Map<String, AttributeValue> k : keys) {
                            if (!present.contains(k)) {
                              totals.missing.incrementAndGet();
                              if (r.deleteExtra()) {
                                deletes.add(delete(k));
                              }
                            }
                          }
                          return writeAll(
                                  r,
                                  Flux.fromIterable(puts(found)),
                                  writer,
                                  r.throughput().concurrency(),
                                  totals,
                                  totals.written)
                              .then(
                                  writeAll(
                                      r,
                                      Flux.fromIterable(deletes),
                                      writer,
                                      r.throughput().concurrency(),
                                      totals,
                                      totals.deleted));
                        }),
            1)
        .then();
  }

  // Replay -------------------------------------------------------------------------------------

  /**
   * Writes the records of a failure file again; when every one was written, the file is marked
   * resolved, so that no resume of the run it came from writes them again.
   */
  private Mono<Void> replay(
      CopyPlan plan, CopySource.Replay replay, BatchWriter writer, Totals totals) {
    CopyRequest r = plan.request;
    return writeAll(
            r,
            FailureRecords.read(plan.replay, "--replay file", CopyPlanner.REPLAY_FIX)
                .subscribeOn(Schedulers.boundedElastic())
                .takeWhile(w -> !stopRequested)
                .doOnNext(w -> totals.read.incrementAndGet()),
            writer,
            r.throughput().concurrency(),
            totals,
            totals.written)
        .flatMap(
            failed ->
                r.dryRun() || failed > 0 || stopRequested
                    ? Mono.<Void>empty()
                    : Mono.fromCallable(() -> FailureRecords.resolve(replay.file()))
                        .subscribeOn(Schedulers.boundedElastic())
                        .doOnNext(resolved -> totals.resolved.add(replay.file()))
                        .then());
  }

  // Results ------------------------------------------------------------------------------------

  private static final class Totals {
    final AtomicLong read = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong missing = new AtomicLong();
    final AtomicLong copied = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong left = new AtomicLong();
    final DoubleAdder units = new DoubleAdder();
    final List<Path> resolved = java.util.Collections.synchronizedList(new ArrayList<>());

    /** What this process did since {@code start}, as its worker's lease reports it. */
    WorkerProgress progress(Instant start) {
      return new WorkerProgress(
          start, written.get() + retried.get() + deleted.get(), units.sum(), failed.get());
    }
  }

  private CopyResult result(CopyPlan plan, Totals t, Instant started) {
    CopyRequest r = plan.request;
    Duration estimate = null;
    if (r.dryRun()) {
      double rate = Math.max(0, r.throughput().maxWcu());
      estimate = rate > 0 ? Duration.ofMillis((long) (t.units.sum() / rate * 1000)) : null;
    }
    CopyResult result =
        new CopyResult(
            r.runId(),
            r.source(),
            r.target(),
            plan.segments,
            (int) t.copied.get(),
            (int) t.skipped.get(),
            t.read.get(),
            t.written.get() + t.retried.get(),
            t.deleted.get(),
            t.failed.get(),
            t.missing.get(),
            t.units.sum(),
            Duration.between(started, clock.instant()),
            t.failed.get() > 0 ? r.failureFile() : null,
            r.dryRun(),
            estimate,
            r.limits(),
            plan.earlierFailures(),
            List.copyOf(t.resolved),
            stopRequested,
            abandoned);
    log.info(
        "event=copy_done run={} source={} target={} "
            + (r.dryRun() ? "dry_run=true would_write={} would_delete={}" : "written={} deleted={}")
            + " failed={} wcu={}",
        r.runId(),
        r.source(),
        r.target(),
        result.itemsWritten(),
        result.itemsDeleted(),
        result.itemsFailed(),
        Math.round(result.writeUnits()));
    return result;
  }

  static double writeUnits(Map<String, AttributeValue> item) {
    return ItemSizes.writeUnits(item);
  }
}
