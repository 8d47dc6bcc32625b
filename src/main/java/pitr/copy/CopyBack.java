package pitr.copy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Copies a recovery table back into a live table: a parallel scan of the source, batches of 25
 * written under an adaptive write-unit limit with at most {@code concurrency} batches in flight,
 * and a checkpoint per segment after each page is fully written.
 *
 * <p>Safe to rerun: puts and deletes are idempotent, and a resumed run ({@code --resume}) skips
 * finished segments and restarts each unfinished one after its last fully written page. Items that
 * stay unwritten after the retry budget go to the failure file, never away; the result counts them
 * and the CLI then exits with {@link ErrorCode#PARTIAL}. A refused request writes nothing.
 */
public final class CopyBack {
  private static final Logger log = LoggerFactory.getLogger(CopyBack.class);
  private static final long SEGMENT_BYTES = 128L * 1024 * 1024;

  private final DynamoDbGateway gateway;
  private final Checkpoints checkpoints;
  private final CopyMeters meters;
  private final Clock clock;
  private final Duration heartbeatEvery;
  private volatile AdaptiveRateLimiter writeLimiter;

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
  }

  public static CopyBack create(
      DynamoDbGateway gateway, Checkpoints checkpoints, CopyMeters meters, Clock clock) {
    return new CopyBack(gateway, checkpoints, meters, clock, RunLease.heartbeatEvery());
  }

  /** The write limiter of the current run, for progress displays; null before a run. */
  public AdaptiveRateLimiter writeLimiter() {
    return writeLimiter;
  }

  /** Default segments for a table of {@code bytes}: one per 128 MB, at least 4, at most 1000. */
  static int defaultSegments(long bytes, Worker worker) {
    long bySize = (bytes + SEGMENT_BYTES - 1) / SEGMENT_BYTES;
    return (int) Math.min(1000, Math.max(Math.max(4, bySize), worker.count()));
  }

  /** Runs the copy; see the class comment for what happens on failure and rerun. */
  public Mono<CopyResult> run(CopyRequest request) {
    String filterProblem = filterProblem(request);
    if (filterProblem != null) {
      return Mono.error(new PitrException(ErrorCode.USAGE, filterProblem));
    }
    Instant started = clock.instant();
    AdaptiveRateLimiter writes = AdaptiveRateLimiter.create(request.maxWcu(), gateway.scheduler());
    writeLimiter = writes;
    meters.rateLimit(writes::rate);
    AdaptiveRateLimiter reads = AdaptiveRateLimiter.create(request.maxRcu(), gateway.scheduler());
    FailureFile failures = new FailureFile(request.failureFile());
    BatchWriter writer =
        new BatchWriter(
            gateway,
            request.target(),
            writes,
            Throttling.retry(
                request.retries(), request.minBackoff(), request.maxBackoff(), gateway.scheduler()),
            failures,
            meters);
    Mono<CopyResult> work;
    if (request.replayFile() != null) {
      work = replay(request, writer, started);
    } else {
      work =
          validate(request)
              .flatMap(
                  tables -> {
                    KeySchema schema = KeySchema.of(tables.get(0));
                    if (request.keysFile() != null) {
                      return copyKeys(request, schema, writer, started);
                    }
                    int bySize =
                        defaultSegments(
                            tables.get(0).tableSizeBytes() == null
                                ? 0
                                : tables.get(0).tableSizeBytes(),
                            request.worker());
                    // A run that already exists keeps its segments: a resume needs no --segments.
                    Mono<Integer> segments =
                        request.segments() > 0
                            ? Mono.just(request.segments())
                            : request.dryRun()
                                ? Mono.just(bySize)
                                : checkpoints
                                    .find(request.runId())
                                    .map(CopyRunRecord::totalSegments)
                                    .defaultIfEmpty(bySize);
                    return segments.flatMap(
                        n -> copyScan(request, schema, n, writer, reads, started));
                  });
    }
    return work.doFinally(
        s -> {
          try {
            failures.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  // Checks -------------------------------------------------------------------------------------

  private Mono<List<TableDescription>> validate(CopyRequest r) {
    if (r.source().equals(r.target())) {
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "--from and --to both name table "
                  + r.source()
                  + "; copy-back copies a recovery table into another table"));
    }
    return gateway
        .describeTable(r.source())
        .zipWith(gateway.describeTable(r.target()))
        .flatMap(
            t -> {
              KeySchema from = KeySchema.of(t.getT1());
              KeySchema to = KeySchema.of(t.getT2());
              if (!from.equals(to)) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Key schemas differ: "
                            + r.source()
                            + " has "
                            + from.describe()
                            + " but "
                            + r.target()
                            + " has "
                            + to.describe()
                            + "; copy-back needs tables with the same key"));
              }
              if (r.keysFile() != null) {
                checkKeysFile(r.keysFile(), from);
              }
              Mono<Void> filterOk =
                  r.filter() == null
                      ? Mono.empty()
                      : gateway
                          .scanPage(filterSpec(r, 1).withLimit(1), 0, null)
                          .onErrorMap(
                              e -> e instanceof PitrException p && p.code() == ErrorCode.USAGE,
                              e ->
                                  new PitrException(
                                      ErrorCode.USAGE,
                                      "--filter '"
                                          + r.filter()
                                          + "' is invalid: "
                                          + DynamoDbGateway.message(e.getCause()),
                                      e))
                          .then();
              return filterOk.thenReturn(List.of(t.getT1(), t.getT2()));
            });
  }

  /**
   * What a run's checkpoints record of its filter: the expression, then the placeholders'
   * definitions (sorted) when it has any, so that a resume with other values is refused too.
   */
  static String filterIdentity(CopyRequest r) {
    if (r.filter() == null) {
      return null;
    }
    StringBuilder b = new StringBuilder("'").append(r.filter()).append("'");
    if (!r.filterNames().isEmpty()) {
      b.append(" with --filter-names ").append(new java.util.TreeMap<>(r.filterNames()));
    }
    if (!r.filterValues().isEmpty()) {
      b.append(" with --filter-values ")
          .append(pitr.dynamo.ItemJson.write(new java.util.TreeMap<>(r.filterValues())));
    }
    return b.toString();
  }

  private static ScanSpec filterSpec(CopyRequest r, int segments) {
    ScanSpec spec = ScanSpec.of(r.source(), segments);
    return r.filter() == null
        ? spec
        : spec.withFilter(r.filter(), r.filterNames(), r.filterValues());
  }

  private static final Pattern VALUE_REF = Pattern.compile(":[A-Za-z0-9_]+");
  private static final Pattern NAME_REF = Pattern.compile("#[A-Za-z0-9_]+");

  /**
   * What is wrong with the request's filter and its placeholders, or null: placeholders the
   * expression uses but the request does not define, or defines but the expression does not use
   * (DynamoDB refuses both), and a filter where no scan happens.
   */
  static String filterProblem(CopyRequest r) {
    if (r.filter() == null) {
      if (!r.filterValues().isEmpty() || !r.filterNames().isEmpty()) {
        return (r.filterValues().isEmpty() ? "--filter-names" : "--filter-values")
            + " needs --filter EXPR, the filter expression that uses them";
      }
      return null;
    }
    if (r.keysFile() != null || r.replayFile() != null) {
      return "--filter chooses items of a scan, but "
          + (r.keysFile() != null ? "--keys" : "--replay")
          + " copies exactly the items listed; pass one of them, not both";
    }
    String problem =
        placeholderProblem(r.filter(), VALUE_REF, r.filterValues().keySet(), "--filter-values");
    if (problem == null) {
      problem =
          placeholderProblem(r.filter(), NAME_REF, r.filterNames().keySet(), "--filter-names");
    }
    return problem;
  }

  private static String placeholderProblem(
      String filter, Pattern ref, java.util.Set<String> defined, String option) {
    java.util.Set<String> used = new java.util.TreeSet<>();
    Matcher m = ref.matcher(filter);
    while (m.find()) {
      used.add(m.group());
    }
    java.util.Set<String> undefined = new java.util.TreeSet<>(used);
    undefined.removeAll(defined);
    if (!undefined.isEmpty()) {
      return "--filter '"
          + filter
          + "' uses "
          + String.join(", ", undefined)
          + ", which "
          + option
          + " does not define; add "
          + (undefined.size() == 1 ? "it" : "them")
          + ", e.g. "
          + option
          + " '"
          + example(option, undefined.iterator().next())
          + "'";
    }
    java.util.Set<String> unused = new java.util.TreeSet<>(defined);
    unused.removeAll(used);
    if (!unused.isEmpty()) {
      return option
          + " defines "
          + String.join(", ", unused)
          + ", which --filter '"
          + filter
          + "' does not use; remove "
          + (unused.size() == 1 ? "it" : "them")
          + " or use "
          + (unused.size() == 1 ? "it" : "them")
          + " in --filter";
    }
    return null;
  }

  private static String example(String option, String placeholder) {
    return option.equals("--filter-values")
        ? "{\"" + placeholder + "\":{\"N\":\"3\"}}"
        : "{\"" + placeholder + "\":\"attribute\"}";
  }

  /** Reads the whole keys file once, so a bad line refuses the run before anything is written. */
  static long checkKeysFile(Path file, KeySchema schema) {
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String problem;
        try {
          problem = schema.problemWith(ItemJson.read(line));
        } catch (IllegalArgumentException e) {
          problem = e.getMessage();
        }
        if (problem != null) {
          throw new PitrException(
              ErrorCode.USAGE,
              "--keys "
                  + file
                  + " line "
                  + n
                  + " is not a key of the table: "
                  + problem
                  + "; each line must be one key as JSON, e.g. "
                  + example(schema));
        }
      }
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE, "--keys " + file + " cannot be read (" + e.getMessage() + ")", e);
    }
    return n;
  }

  private static String example(KeySchema schema) {
    StringBuilder b = new StringBuilder("{\"").append(schema.partitionKey()).append("\":{\"");
    b.append(schema.partitionType()).append("\":\"...\"}");
    if (schema.sortKey() != null) {
      b.append(",\"").append(schema.sortKey()).append("\":{\"").append(schema.sortType());
      b.append("\":\"...\"}");
    }
    return b.append('}').toString();
  }

  // Scan mode ----------------------------------------------------------------------------------

  private Mono<CopyResult> copyScan(
      CopyRequest r,
      KeySchema schema,
      int segments,
      BatchWriter writer,
      AdaptiveRateLimiter reads,
      Instant started) {
    List<Integer> mine = new ArrayList<>();
    for (int s = 0; s < segments; s++) {
      if (r.worker().owns(s)) {
        mine.add(s);
      }
    }
    int parallel = Math.max(1, Math.min(mine.size(), r.concurrency()));
    int perSegment = Math.max(1, (r.concurrency() + parallel - 1) / parallel);
    ScanSpec spec = filterSpec(r, segments);
    Totals totals = new Totals();
    AtomicInteger skipped = new AtomicInteger();
    AtomicInteger copied = new AtomicInteger();
    CopyRunRecord record =
        new CopyRunRecord(
            r.runId(), r.source(), r.target(), segments, filterIdentity(r), null, false);

    Mono<Map<Integer, SegmentPosition>> positions;
    if (r.dryRun()) {
      positions = Mono.just(Map.of());
    } else {
      Mono<Void> existing =
          r.resume()
              ? checkpoints
                  .find(r.runId())
                  .switchIfEmpty(
                      Mono.error(
                          () ->
                              new PitrException(
                                  ErrorCode.USAGE,
                                  "No copy-back run "
                                      + r.runId()
                                      + " in "
                                      + checkpoints.describe()
                                      + "; check --state-dir or --checkpoint-table")))
                  .then()
              : Mono.empty();
      positions =
          existing
              .then(checkpoints.open(record))
              .flatMap(
                  run ->
                      run.totalSegments() != segments
                          ? Mono.error(
                              new PitrException(
                                  ErrorCode.USAGE,
                                  "Run "
                                      + r.runId()
                                      + " has "
                                      + run.totalSegments()
                                      + " segments; resume it with --segments "
                                      + run.totalSegments()))
                          : !java.util.Objects.equals(run.filter(), filterIdentity(r))
                              ? Mono.error(
                                  new PitrException(
                                      ErrorCode.USAGE,
                                      "Run "
                                          + r.runId()
                                          + (run.filter() == null
                                              ? " copies every item; resume it without --filter"
                                              : " copies the items matching --filter "
                                                  + run.filter()
                                                  + "; resume it with that --filter and the"
                                                  + " same --filter-values and --filter-names")))
                              : Mono.just(run))
              .then(checkpoints.heartbeat(r.runId(), r.worker(), clock.instant(), false))
              .then(checkpoints.positions(r.runId()));
    }
    log.info(
        "event=copy_start run={} source={} target={} segments={} worker={} dry_run={}",
        r.runId(),
        r.source(),
        r.target(),
        segments,
        r.worker(),
        r.dryRun());
    return positions.flatMap(
        saved -> {
          Disposable heartbeat =
              r.dryRun()
                  ? null
                  : Flux.interval(heartbeatEvery, heartbeatEvery, gateway.scheduler())
                      .concatMap(
                          t ->
                              checkpoints
                                  .heartbeat(r.runId(), r.worker(), clock.instant(), false)
                                  .onErrorResume(e -> Mono.empty()))
                      .subscribe();
          Flux<Integer> todo =
              Flux.fromIterable(mine)
                  .filter(
                      s -> {
                        SegmentPosition p = saved.get(s);
                        if (p != null && p.done()) {
                          skipped.incrementAndGet();
                          return false;
                        }
                        return true;
                      });
          Mono<Void> copy =
              todo.flatMap(
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
                              .doOnSuccess(v -> copied.incrementAndGet()),
                      parallel)
                  .then();
          Mono<Void> extra =
              r.deleteExtra() ? deleteExtra(r, schema, segments, writer, totals) : Mono.empty();
          return copy.then(extra)
              .then(
                  r.dryRun()
                      ? Mono.empty()
                      : checkpoints.heartbeat(r.runId(), r.worker(), clock.instant(), true))
              .doFinally(
                  sig -> {
                    if (heartbeat != null) {
                      heartbeat.dispose();
                    }
                  })
              .then(
                  Mono.fromCallable(
                      () -> result(r, segments, copied.get(), skipped.get(), totals, started)));
        });
  }

  private Mono<Void> copySegment(
      CopyRequest r,
      ScanSpec spec,
      int segment,
      SegmentPosition from,
      BatchWriter writer,
      AdaptiveRateLimiter reads,
      int concurrency,
      Totals totals) {
    // No prefetch: the scan already reads the segment's next page while this one is written
    // (expand asks for it as soon as a page arrives), so a segment holds at most two pages.
    return gateway
        .scanSegment(spec, segment, from.resumeAfter())
        .concatMap(
            page -> {
              meters.add(Meter.ITEMS_READ, page.scanned());
              meters.add(Meter.RCU_CONSUMED, page.readUnits());
              totals.read.addAndGet(page.items().size());
              return reads
                  .acquire(page.readUnits())
                  .then(writeAll(r, puts(page.items()), writer, concurrency, totals, false))
                  .then(
                      r.dryRun()
                          ? Mono.empty()
                          : checkpoints.save(
                              r.runId(), new SegmentPosition(segment, page.next(), page.last())));
            },
            0)
        .then();
  }

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

  private Mono<Void> writeAll(
      CopyRequest r,
      List<WriteRequest> requests,
      BatchWriter writer,
      int concurrency,
      Totals totals,
      boolean deletes) {
    if (requests.isEmpty()) {
      return Mono.empty();
    }
    if (r.dryRun()) {
      double units = BatchWriter.estimate(requests);
      totals.units.add(units);
      (deletes ? totals.deleted : totals.written).addAndGet(requests.size());
      return Mono.empty();
    }
    return Flux.fromIterable(requests)
        .buffer(25)
        .flatMap(writer::write, concurrency)
        .doOnNext(
            o -> {
              (deletes ? totals.deleted : totals.written).addAndGet(o.written());
              meters.add(deletes ? Meter.ITEMS_DELETED : Meter.ITEMS_WRITTEN, o.written());
              totals.failed.addAndGet(o.failed());
              totals.units.add(o.units());
            })
        .then();
  }

  /** Deletes items of the target that the source lacks: scan target keys, look them up. */
  private Mono<Void> deleteExtra(
      CopyRequest r, KeySchema schema, int segments, BatchWriter writer, Totals totals) {
    Map<String, String> names = new HashMap<>();
    List<String> refs = new ArrayList<>();
    List<String> keyNames = schema.names();
    for (int i = 0; i < keyNames.size(); i++) {
      names.put("#k" + i, keyNames.get(i));
      refs.add("#k" + i);
    }
    ScanSpec spec = ScanSpec.of(r.target(), segments).withProjection(String.join(",", refs), names);
    List<Integer> mine = new ArrayList<>();
    for (int s = 0; s < segments; s++) {
      if (r.worker().owns(s)) {
        mine.add(s);
      }
    }
    return Flux.fromIterable(mine)
        .flatMap(
            s ->
                gateway
                    .scanSegment(spec, s, null)
                    .concatMapIterable(ScanPage::items)
                    .buffer(100)
                    .concatMap(keys -> missingFrom(r.source(), keys, schema, names, refs))
                    .buffer(25)
                    .concatMap(
                        missing ->
                            writeAll(
                                r,
                                missing.stream().map(CopyBack::delete).toList(),
                                writer,
                                1,
                                totals,
                                true)),
            Math.max(1, Math.min(mine.size(), r.concurrency())))
        .then();
  }

  /** The keys among {@code keys} that {@code table} does not have. */
  private Flux<Map<String, AttributeValue>> missingFrom(
      String table,
      List<Map<String, AttributeValue>> keys,
      KeySchema schema,
      Map<String, String> names,
      List<String> refs) {
    return fetch(table, keys, names, String.join(",", refs))
        .map(
            found -> {
              java.util.Set<Map<String, AttributeValue>> present = new java.util.HashSet<>();
              found.forEach(i -> present.add(schema.keyOf(i)));
              List<Map<String, AttributeValue>> missing = new ArrayList<>();
              for (Map<String, AttributeValue> k : keys) {
                if (!present.contains(schema.keyOf(k))) {
                  missing.add(schema.keyOf(k));
                }
              }
              return missing;
            })
        .flatMapIterable(l -> l);
  }

  /** BatchGetItem of up to 100 keys, resubmitting UnprocessedKeys until all are answered. */
  private Mono<List<Map<String, AttributeValue>>> fetch(
      String table,
      List<Map<String, AttributeValue>> keys,
      Map<String, String> names,
      String projection) {
    List<Map<String, AttributeValue>> found = new ArrayList<>();
    return Mono.just(keys)
        .expand(
            pending -> {
              if (pending.isEmpty()) {
                return Mono.empty();
              }
              KeysAndAttributes.Builder ka = KeysAndAttributes.builder().keys(pending);
              if (projection != null) {
                ka.projectionExpression(projection).expressionAttributeNames(names);
              }
              return gateway
                  .batchGet(table, ka.build())
                  .map(
                      resp -> {
                        synchronized (found) {
                          found.addAll(resp.responses().getOrDefault(table, List.of()));
                        }
                        if (resp.consumedCapacity() != null) {
                          resp.consumedCapacity()
                              .forEach(c -> meters.add(Meter.RCU_CONSUMED, c.capacityUnits()));
                        }
                        KeysAndAttributes left = resp.unprocessedKeys().get(table);
                        return left == null ? List.<Map<String, AttributeValue>>of() : left.keys();
                      })
                  .flatMap(
                      left ->
                          left.isEmpty()
                              ? Mono.just(left)
                              : Mono.delay(Duration.ofMillis(50), gateway.scheduler())
                                  .thenReturn(left));
            })
        .then(Mono.fromCallable(() -> found));
  }

  // Keys mode ----------------------------------------------------------------------------------

  private Mono<CopyResult> copyKeys(
      CopyRequest r, KeySchema schema, BatchWriter writer, Instant started) {
    Totals totals = new Totals();
    return lines(r.keysFile())
        .map(line -> schema.keyOf(ItemJson.read(line)))
        .buffer(100)
        .map(keys -> new ArrayList<>(new LinkedHashSet<>(keys)))
        .concatMap(
            keys ->
                fetch(r.source(), keys, Map.of(), null)
                    .flatMap(
                        found -> {
                          meters.add(Meter.ITEMS_READ, found.size());
                          totals.read.addAndGet(found.size());
                          java.util.Set<Map<String, AttributeValue>> present =
                              new java.util.HashSet<>();
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
                          return writeAll(r, puts(found), writer, r.concurrency(), totals, false)
                              .then(writeAll(r, deletes, writer, r.concurrency(), totals, true));
                        }),
            1)
        .then(Mono.fromCallable(() -> result(r, 0, 0, 0, totals, started)));
  }

  /** The non-blank lines of a JSON-lines file, read as they are consumed. */
  private static Flux<String> lines(Path file) {
    return Flux.using(
            () -> Files.newBufferedReader(file, StandardCharsets.UTF_8),
            in -> Flux.fromStream(in.lines()),
            in -> {
              try {
                in.close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .filter(line -> !line.isBlank());
  }

  // Replay -------------------------------------------------------------------------------------

  private Mono<CopyResult> replay(CopyRequest r, BatchWriter writer, Instant started) {
    Totals totals = new Totals();
    return lines(r.replayFile())
        .index()
        .map(
            t -> {
              try {
                var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(t.getT2());
                if ("delete".equals(node.path("op").asText())) {
                  return delete(ItemJson.fromNode(node.get("key")));
                }
                return WriteRequest.builder()
                    .putRequest(
                        PutRequest.builder().item(ItemJson.fromNode(node.get("item"))).build())
                    .build();
              } catch (IOException | RuntimeException e) {
                throw new PitrException(
                    ErrorCode.USAGE,
                    "--replay "
                        + r.replayFile()
                        + " line "
                        + (t.getT1() + 1)
                        + " is not a failure record: "
                        + e.getMessage());
              }
            })
        .buffer(25)
        .flatMap(
            batch -> {
              totals.read.addAndGet(batch.size());
              return writeAll(r, batch, writer, 1, totals, false);
            },
            r.concurrency())
        .then(Mono.fromCallable(() -> result(r, 0, 0, 0, totals, started)));
  }

  // Results ------------------------------------------------------------------------------------

  private static final class Totals {
    final AtomicLong read = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong missing = new AtomicLong();
    final java.util.concurrent.atomic.DoubleAdder units =
        new java.util.concurrent.atomic.DoubleAdder();
  }

  private CopyResult result(
      CopyRequest r, int segments, int copied, int skipped, Totals t, Instant started) {
    Duration estimate = null;
    if (r.dryRun()) {
      double rate = r.maxWcu() > 0 ? r.maxWcu() : 0;
      estimate = rate > 0 ? Duration.ofMillis((long) (t.units.sum() / rate * 1000)) : null;
    }
    CopyResult result =
        new CopyResult(
            r.runId(),
            r.source(),
            r.target(),
            segments,
            copied,
            skipped,
            t.read.get(),
            t.written.get(),
            t.deleted.get(),
            t.failed.get(),
            t.missing.get(),
            t.units.sum(),
            Duration.between(started, clock.instant()),
            t.failed.get() > 0 ? r.failureFile() : null,
            r.dryRun(),
            estimate);
    log.info(
        "event=copy_done run={} source={} target={} written={} deleted={} failed={} wcu={}",
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
