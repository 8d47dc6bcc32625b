package pitr.migrate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import pitr.copy.Worker;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Retries;
import pitr.dynamo.ScanPage;
import pitr.dynamo.ScanSpec;
import pitr.migrate.api.Condition;
import pitr.migrate.api.MigrationTable;
import pitr.migrate.api.ScanOptions;
import pitr.migrate.api.Update;
import pitr.migrate.api.WriteOutcome;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A declared table as a running migration sees it. A live write goes: intent in the journal, rate
 * budget, DynamoDB, tally, confirmation (see {@link LiveWriter}); a dry-run write goes tally and
 * samples. Every write asks DynamoDB for the item's image when its condition fails, so a retried
 * write whose first try landed is recognised and stays journaled.
 *
 * <p>{@code forEachItem} checkpoints every segment before its first page and after each page, and
 * runs the action of each item with that item in the Reactor context of its writes, so the journal
 * knows which writes were the item's own. A resumed run redoing a page skips the items whose own
 * write had landed (see {@link ResumeSkips}).
 *
 * <p>A worker of a run across N workers ({@code --worker I/N}) takes every N-th segment of each
 * {@code forEachItem} pass (segment {@code s} when {@code s % N == I - 1}), over at least N
 * segments; {@code scan}, {@code query} and writes outside {@code forEachItem} are every worker's.
 *
 * <p>An update never creates an item: it carries {@code attribute_exists(<partition key>)}, so an
 * item deleted since it was read comes back as {@link WriteOutcome#CONDITION_FAILED}.
 */
final class TableHandle implements MigrationTable {
  static final int SAMPLES_PER_TABLE = 3;

  /** Where a run's scan checkpoints live. */
  interface Checkpoints {
    Ledger.Checkpoint get(String id);

    Mono<Void> save(String id, Ledger.Checkpoint checkpoint);

    Checkpoints NONE =
        new Checkpoints() {
          @Override
          public Ledger.Checkpoint get(String id) {
            return null;
          }

          @Override
          public Mono<Void> save(String id, Ledger.Checkpoint checkpoint) {
            return Mono.empty();
          }
        };
  }

  private final String name;
  private final List<String> keyAttributes;
  private final DynamoDbGateway db;
  private final Journal journal;
  private final LiveWriter writer;
  private final ResumeSkips resume;
  private final TableTally tally;
  private final boolean dryRun;

  /** How a dry run checks the conditions of the writes it counts. */
  private final DryRunConditions conditions;

  private final Checkpoints checkpoints;
  private final Clock clock;
  private final RunContext.ProgressCounter progress;
  private final Worker share;
  private final AtomicInteger passes = new AtomicInteger();
  private final ConcurrentLinkedQueue<RunReport.Sample> samples = new ConcurrentLinkedQueue<>();
  private final AtomicInteger sampleCount = new AtomicInteger();

  TableHandle(
      TableDescription description,
      DynamoDbGateway db,
      AdaptiveRateLimiter limiter,
      Journal journal,
      TableTally tally,
      boolean dryRun,
      Checkpoints checkpoints,
      Clock clock,
      RunContext.ProgressCounter progress,
      InFlightWrites inFlight,
      ResumeSkips resume,
      Worker share,
      DryRunConditions conditions) {
    this.name = description.tableName();
    this.conditions = conditions;
    this.share = share;
    this.keyAttributes = keyAttributes(description);
    this.db = db;
    this.journal = journal;
    this.writer = new LiveWriter(name, journal, limiter, tally, inFlight);
    this.resume = resume;
    this.tally = tally;
    this.dryRun = dryRun;
    this.checkpoints = checkpoints;
    this.clock = clock;
    this.progress = progress;
  }

  static List<String> keyAttributes(TableDescription d) {
    List<String> out = new ArrayList<>();
    for (KeyType type : List.of(KeyType.HASH, KeyType.RANGE)) {
      for (KeySchemaElement k : d.keySchema()) {
        if (k.keyType() == type) {
          out.add(k.attributeName());
        }
      }
    }
    return List.copyOf(out);
  }

  TableTally tally() {
    return tally;
  }

  List<RunReport.Sample> samples() {
    return List.copyOf(samples);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> keyAttributes() {
    return keyAttributes;
  }

  @Override
  public Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    for (String k : keyAttributes) {
      AttributeValue v = item.get(k);
      if (v == null) {
        throw new IllegalArgumentException(
            "item lacks key attribute " + k + " of table " + name + "; pass the item as read");
      }
      key.put(k, v);
    }
    return key;
  }

  private boolean keyOnly(Map<String, AttributeValue> item) {
    return item.size() <= keyAttributes.size();
  }

  private ScanSpec scanSpec(ScanOptions o) {
    ScanSpec spec = ScanSpec.of(name, o.segments());
    if (o.filter().isPresent()) {
      Condition c = o.filter().get();
      spec =
          new ScanSpec(
              name, o.segments(), c.expression(), c.names(), c.values(), null, false, null);
    }
    return spec.withLimit(o.pageSize() > 0 ? o.pageSize() : null);
  }

  @Override
  public Flux<Map<String, AttributeValue>> scan(ScanOptions options) {
    ScanSpec spec = scanSpec(options);
    return Flux.range(0, options.segments())
        .flatMap(seg -> db.scanSegment(spec, seg, null), Math.min(options.segments(), 64))
        .doOnNext(p -> tally.read(p.items().size()))
        .flatMapIterable(ScanPage::items);
  }

  @Override
  public Flux<Map<String, AttributeValue>> query(Consumer<QueryRequest.Builder> request) {
    QueryRequest.Builder b = QueryRequest.builder();
    request.accept(b);
    QueryRequest first = b.tableName(name).build();
    return db.queryPages(first)
        .doOnNext(r -> tally.read(r.items().size()))
        .flatMapIterable(r -> r.items());
  }

  @Override
  public Mono<Long> forEachItem(
      ScanOptions asked, Function<Map<String, AttributeValue>, ? extends Publisher<?>> action) {
    // A worker of N takes every N-th segment; at least N segments, so none is idle.
    ScanOptions options = asked.segments() < share.count() ? asked.segments(share.count()) : asked;
    return Mono.defer(
        () -> {
          int pass = passes.getAndIncrement();
          return resume
              .forPass(name, pass)
              .flatMap(
                  landed ->
                      Flux.range(0, options.segments())
                          .filter(share::owns)
                          .flatMap(
                              seg -> segment(pass, seg, options, action, landed),
                              Math.min(options.segments(), 64))
                          .reduce(0L, Long::sum)
                          .flatMap(n -> unseen(landed, pass).thenReturn(n)));
        });
  }

  /**
   * Writes of an earlier attempt that no marker counted and whose item the pass did not see again
   * (gone, or filtered out now): reads each item and counts the write if the item is as it left it.
   */
  private Mono<Void> unseen(LandedWrites landed, int pass) {
    return Flux.fromIterable(landed.unseen())
        .flatMap(
            l ->
                db.getItem(
                        GetItemRequest.builder()
                            .tableName(name)
                            .key(l.key())
                            .consistentRead(true)
                            .build())
                    .map(ItemHash::of)
                    .defaultIfEmpty(ItemHash.DELETED)
                    .filter(hash -> hash.equals(l.imageHash()))
                    .flatMap(
                        hash -> {
                          resume.skipped();
                          return journal.adopt(name, l.key(), l.op(), l.imageHash(), pass);
                        }),
            8)
        .then();
  }

  private Mono<Long> segment(
      int pass,
      int seg,
      ScanOptions options,
      Function<Map<String, AttributeValue>, ? extends Publisher<?>> action,
      LandedWrites landed) {
    String id = name + "#" + pass + "#" + seg;
    Ledger.Checkpoint resumeFrom = checkpoints.get(id);
    if (resumeFrom != null && resumeFrom.done()) {
      return Mono.just(0L);
    }
    // Before the first page, where the journal will hold its entries, for a resumed run to read.
    Mono<Void> start =
        resumeFrom == null && journal != null
            ? Mono.defer(
                () ->
                    checkpoints.save(id, new Ledger.Checkpoint(null, false, 0, journal.position())))
            : Mono.empty();
    AtomicReference<Map<String, AttributeValue>> cursor =
        new AtomicReference<>(resumeFrom == null ? null : resumeFrom.lastKey());
    AtomicBoolean finished = new AtomicBoolean();
    AtomicLong count = new AtomicLong();
    long before = resumeFrom == null ? 0 : resumeFrom.items();
    ScanSpec spec = scanSpec(options);
    Mono<Long> pages =
        Mono.defer(() -> db.scanPage(spec, seg, cursor.get()))
            .flatMap(
                page -> {
                  List<Map<String, AttributeValue>> items = page.items();
                  tally.read(items.size());
                  progress.advance(items.size());
                  Map<String, AttributeValue> last = page.next();
                  long total = before + count.get() + items.size();
                  // Every write of the page is acknowledged (and its intent stored) here: one
                  // commit marker confirms the page's intents before the checkpoint skips the
                  // page for good, and says where the next page's entries will be.
                  return Flux.fromIterable(items)
                      .flatMap(i -> handle(i, pass, action, landed), options.concurrency())
                      .then(journal == null ? Mono.empty() : journal.commit())
                      .then(
                          Mono.defer(
                              () ->
                                  checkpoints.save(
                                      id,
                                      new Ledger.Checkpoint(
                                          last,
                                          last == null,
                                          total,
                                          journal == null ? null : journal.position()))))
                      .then(
                          Mono.fromRunnable(
                              () -> {
                                count.addAndGet(items.size());
                                cursor.set(last);
                                finished.set(last == null);
                              }));
                })
            .repeat(() -> !finished.get())
            .then(Mono.fromSupplier(count::get));
    return start.then(pages);
  }

  /**
   * Hands {@code item} to the action, with the item in the context of its writes; or, when an
   * earlier attempt of a resumed run wrote it already (it holds the image journaled), skips it.
   */
  private Mono<Void> handle(
      Map<String, AttributeValue> item,
      int pass,
      Function<Map<String, AttributeValue>, ? extends Publisher<?>> action,
      LandedWrites landed) {
    Map<String, AttributeValue> key = keyOf(item);
    LandedWrites.Landed done = landed.producing(key, item);
    if (done != null) {
      resume.skipped();
      return done.confirmed()
          ? Mono.empty()
          : journal.adopt(name, done.key(), done.op(), done.imageHash(), pass);
    }
    return Flux.from(action.apply(item))
        .then()
        .contextWrite(
            c -> c.put(LiveWriter.ScanItem.class, new LiveWriter.ScanItem(name, pass, key)));
  }

  @Override
  public Mono<WriteOutcome> put(Map<String, AttributeValue> item) {
    return put(item, null);
  }

  @Override
  public Mono<WriteOutcome> put(Map<String, AttributeValue> item, Condition condition) {
    Map<String, AttributeValue> key = keyOf(item);
    if (dryRun) {
      return dry(WriteOp.PUT, key, item, null, condition);
    }
    PutItemRequest.Builder b =
        PutItemRequest.builder()
            .tableName(name)
            .item(item)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    if (condition != null) {
      b.conditionExpression(condition.expression())
          .expressionAttributeNames(nullIfEmpty(condition.names()))
          .expressionAttributeValues(nullIfEmpty(condition.values()));
    }
    PutItemRequest request = b.build();
    return writer.write(
        new LiveWriter.Planned(
            WriteOp.PUT,
            key,
            DynamoJson.writeUnits(item),
            item,
            current -> item,
            db.putItem(request, Retries.SHARED)
                .map(r -> new LiveWriter.Written(item, r.consumedCapacity()))));
  }

  @Override
  public Mono<WriteOutcome> update(Map<String, AttributeValue> item, Update update) {
    Map<String, AttributeValue> key = keyOf(item);
    if (update.sets().isEmpty() && update.removes().isEmpty()) {
      return Mono.error(
          new IllegalArgumentException(
              "update of " + name + " sets and removes nothing; add Update.set or Update.remove"));
    }
    if (dryRun) {
      return dry(WriteOp.UPDATE, key, item, update, update.condition().orElse(null));
    }
    Map<String, String> names = new HashMap<>(update.expressionNames());
    Map<String, AttributeValue> values = new HashMap<>(update.expressionValues());
    names.put("#ukey", keyAttributes.get(0));
    String condition = "attribute_exists(#ukey)";
    if (update.condition().isPresent()) {
      Condition c = update.condition().get();
      names.putAll(c.names());
      values.putAll(c.values());
      condition += " AND (" + c.expression() + ")";
    }
    UpdateItemRequest.Builder b =
        UpdateItemRequest.builder()
            .tableName(name)
            .key(key)
            .updateExpression(update.expression())
            .conditionExpression(condition)
            .expressionAttributeNames(names)
            .returnValues(ReturnValue.ALL_NEW)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    if (!values.isEmpty()) {
      b.expressionAttributeValues(values);
    }
    UpdateItemRequest request = b.build();
    // The image the update will produce, when the item was passed as read; unknown for a key.
    Map<String, AttributeValue> after = keyOnly(item) ? null : update.applyTo(item);
    return writer.write(
        new LiveWriter.Planned(
            WriteOp.UPDATE,
            key,
            DynamoJson.writeUnits(after != null ? after : key),
            after,
            current -> current == null ? null : update.applyTo(current),
            db.updateItem(request, Retries.SHARED)
                .map(r -> new LiveWriter.Written(r.attributes(), r.consumedCapacity()))));
  }

  @Override
  public Mono<WriteOutcome> delete(Map<String, AttributeValue> item) {
    return delete(item, null);
  }

  @Override
  public Mono<WriteOutcome> delete(Map<String, AttributeValue> item, Condition condition) {
    Map<String, AttributeValue> key = keyOf(item);
    if (dryRun) {
      return dry(WriteOp.DELETE, key, item, null, condition);
    }
    DeleteItemRequest.Builder b =
        DeleteItemRequest.builder()
            .tableName(name)
            .key(key)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    if (condition != null) {
      b.conditionExpression(condition.expression())
          .expressionAttributeNames(nullIfEmpty(condition.names()))
          .expressionAttributeValues(nullIfEmpty(condition.values()));
    }
    DeleteItemRequest request = b.build();
    return writer.write(
        new LiveWriter.Planned(
            WriteOp.DELETE,
            key,
            DynamoJson.writeUnits(item),
            null,
            current -> null,
            db.deleteItem(request, Retries.SHARED)
                .map(r -> new LiveWriter.Written(null, r.consumedCapacity()))));
  }

  private Mono<WriteOutcome> dry(
      WriteOp op,
      Map<String, AttributeValue> key,
      Map<String, AttributeValue> item,
      Update update,
      Condition condition) {
    boolean sample = sampleCount.get() < SAMPLES_PER_TABLE;
    boolean needBefore =
        (op != WriteOp.PUT && keyOnly(item))
            || (op == WriteOp.PUT && (sample || condition != null));
    Mono<Map<String, AttributeValue>> before =
        needBefore
            ? db.getItem(
                    GetItemRequest.builder().tableName(name).key(key).consistentRead(true).build())
                .defaultIfEmpty(Map.of())
            : Mono.just(op == WriteOp.PUT ? Map.of() : item);
    return before.map(
        b -> {
          Map<String, AttributeValue> after =
              switch (op) {
                case PUT -> item;
                case UPDATE -> b.isEmpty() ? null : update.applyTo(b);
                case DELETE -> null;
              };
          if ((op == WriteOp.UPDATE && b.isEmpty())
              || (condition != null && !conditions.holds(condition, b))) {
            // The item is gone (a live run's update would fail its existence condition), or the
            // write's own condition does not hold on it: a live run would write nothing.
            tally.conditionFailed();
            return WriteOutcome.CONDITION_FAILED;
          }
          tally.written(op, DynamoJson.writeUnits(after != null ? after : b.isEmpty() ? key : b));
          if (sample && sampleCount.incrementAndGet() <= SAMPLES_PER_TABLE) {
            samples.add(
                new RunReport.Sample(
                    name,
                    op,
                    DynamoJson.toText(key),
                    b.isEmpty() ? null : DynamoJson.toText(b),
                    after == null ? null : DynamoJson.toText(after)));
          }
          return WriteOutcome.DRY_RUN;
        });
  }

  /** Null for an empty map: DynamoDB refuses empty ExpressionAttributeNames/Values. */
  private static <V> Map<String, V> nullIfEmpty(Map<String, V> m) {
    return m.isEmpty() ? null : m;
  }
}
