package pitr.migrate;

import static pitr.migrate.Attrs.n;
import static pitr.migrate.Attrs.num;
import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;
import static pitr.migrate.Attrs.t;
import static pitr.migrate.Attrs.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The write journal: for every item a run writes, its key and the hash of the image written, in a
 * DynamoDB table (default {@code pitr-journal}, created on first run). A rollback reads it to
 * restore only the keys the run touched and to spot items changed since.
 *
 * <p>Key schema, on-demand billing:
 *
 * <ul>
 *   <li>{@code pk} (S, hash) = {@code <runId>#<shard>}, shard a two-digit number {@code 00} to
 *       {@code journalShards - 1} (the run record says how many; 16 by default), chosen by the
 *       first byte of the key hash, so one run's journal is spread over partitions instead of
 *       capping the run at one partition's 1,000 WCU.
 *   <li>{@code sk} (S, range) = {@code <table>#<hex SHA-256 of the canonical key>}: one entry per
 *       key and table, the last write wins.
 *   <li>attributes: {@code runId}, {@code table}, {@code key} (M), {@code op} (PUT, UPDATE,
 *       DELETE), {@code imageHash} (see {@link ItemHash}), {@code writtenAt} (ISO-8601), {@code
 *       fence} (N), {@code migration}.
 * </ul>
 *
 * <p>To read a run: query {@code pk = <runId>#00} to {@code <runId>#NN}; see {@link #read}.
 *
 * <p>Entries are stored after DynamoDB acknowledged the write, in batches of 25 through the run's
 * write budget. A page of a resumable scan is checkpointed only after its entries are stored, so an
 * interrupted run loses no entry of a checkpointed page; writes of the page in progress are redone,
 * and journaled, on resume.
 */
public final class Journal {
  /** Partitions per run; recorded in the run record. */
  public static final int DEFAULT_SHARDS = 16;

  private static final int BATCH = 25;

  private final DynamoAdapter db;
  private final String table;
  private final String runId;
  private final String migration;
  private final long fence;
  private final int shards;
  private final WriteRate rate;
  private final Queue<Map<String, AttributeValue>> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final Set<Mono<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private final LongAdder entries = new LongAdder();
  private final DoubleAdder wcu = new DoubleAdder();

  Journal(
      DynamoAdapter db,
      String table,
      String runId,
      String migration,
      long fence,
      int shards,
      WriteRate rate) {
    this.db = db;
    this.table = table;
    this.runId = runId;
    this.migration = migration;
    this.fence = fence;
    this.shards = shards;
    this.rate = rate;
  }

  static CreateTableRequest createRequest(String table) {
    return CreateTableRequest.builder()
        .tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder()
                .attributeName("pk")
                .attributeType(ScalarAttributeType.S)
                .build(),
            AttributeDefinition.builder()
                .attributeName("sk")
                .attributeType(ScalarAttributeType.S)
                .build())
        .keySchema(
            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .build();
  }

  static Mono<Void> ensureTable(DynamoAdapter db, String table) {
    return db.createTableIfMissing(createRequest(table), Duration.ofMinutes(5));
  }

  /** Entries stored so far. */
  long entries() {
    return entries.sum();
  }

  /** Write capacity the journal consumed. */
  double wcu() {
    return wcu.sum();
  }

  /**
   * Adds an entry; when a batch is full, stores it, and the returned {@code Mono} completes once
   * that batch is stored (which slows the writer down to the journal's pace).
   */
  Mono<Void> append(JournalEntry e) {
    pending.add(item(e));
    if (pendingCount.incrementAndGet() >= BATCH) {
      List<Map<String, AttributeValue>> batch = poll(BATCH);
      return batch.isEmpty() ? Mono.empty() : store(batch);
    }
    return Mono.empty();
  }

  /** Stores everything appended so far, and waits for batches other writers started. */
  Mono<Void> flush() {
    return Mono.defer(
        () -> {
          List<Mono<Void>> waits = new ArrayList<>(inFlight);
          List<Map<String, AttributeValue>> batch;
          while (!(batch = poll(BATCH)).isEmpty()) {
            waits.add(store(batch));
          }
          return Mono.when(waits);
        });
  }

  private List<Map<String, AttributeValue>> poll(int max) {
    List<Map<String, AttributeValue>> out = new ArrayList<>(max);
    Map<String, AttributeValue> next;
    while (out.size() < max && (next = pending.poll()) != null) {
      pendingCount.decrementAndGet();
      out.add(next);
    }
    return out;
  }

  private Mono<Void> store(List<Map<String, AttributeValue>> batch) {
    // Two writes of one key in a batch are not allowed; the later entry wins, as it would anyway.
    Map<String, Map<String, AttributeValue>> byKey = new java.util.LinkedHashMap<>();
    batch.forEach(i -> byKey.put(i.get("pk").s() + "\u0000" + i.get("sk").s(), i));
    List<WriteRequest> requests =
        byKey.values().stream()
            .map(
                i ->
                    WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build())
            .toList();
    double units = byKey.values().stream().mapToLong(DynamoJson::writeUnits).sum();
    java.util.concurrent.atomic.AtomicReference<Mono<Void>> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    Mono<Void> stored =
        rate.acquire(units)
            .then(db.batchWrite(table, requests))
            .doOnNext(
                c -> {
                  wcu.add(c);
                  entries.add(requests.size());
                })
            .then()
            .doFinally(signal -> inFlight.remove(self.get()))
            .cache();
    self.set(stored);
    inFlight.add(stored);
    return stored;
  }

  Map<String, AttributeValue> item(JournalEntry e) {
    String keyHash = ItemHash.of(e.key());
    int shard = Integer.parseInt(keyHash.substring(0, 2), 16) % shards;
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", s(partition(e.runId(), shard)));
    item.put("sk", s(e.table() + "#" + keyHash));
    item.put("runId", s(e.runId()));
    item.put("migration", s(migration));
    item.put("table", s(e.table()));
    item.put("key", AttributeValue.fromM(e.key()));
    item.put("op", s(e.op().name()));
    item.put("imageHash", s(e.imageHash()));
    item.put("writtenAt", t(e.writtenAt()));
    item.put("fence", n(e.fence()));
    return item;
  }

  String runId() {
    return runId;
  }

  long fence() {
    return fence;
  }

  static String partition(String runId, int shard) {
    return runId + "#" + String.format(Locale.ROOT, "%02d", shard);
  }

  /** Every entry of {@code run}, shard by shard. */
  static Flux<JournalEntry> read(DynamoAdapter db, RunRecord run) {
    String table = run.journalTable();
    return Flux.range(0, Math.max(1, run.journalShards()))
        .concatMap(
            shard -> {
              QueryRequest first =
                  QueryRequest.builder()
                      .tableName(table)
                      .keyConditionExpression("pk = :pk")
                      .expressionAttributeValues(Map.of(":pk", s(partition(run.runId(), shard))))
                      .build();
              return db.query(first)
                  .expand(
                      r ->
                          r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                              ? db.query(
                                  first.toBuilder().exclusiveStartKey(r.lastEvaluatedKey()).build())
                              : Mono.empty())
                  .flatMapIterable(r -> r.items());
            })
        .map(
            i ->
                new JournalEntry(
                    str(i, "runId"),
                    str(i, "table"),
                    i.get("key").m(),
                    WriteOp.valueOf(str(i, "op")),
                    str(i, "imageHash"),
                    time(i, "writtenAt"),
                    num(i, "fence")));
  }
}
