package pitr.migrate;

import static pitr.migrate.Attrs.n;
import static pitr.migrate.Attrs.num;
import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;
import static pitr.migrate.Attrs.time;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The write-ahead journal: before a run writes an item, the item's key and the hash of the image
 * about to be written are stored as an <em>intent</em>; once DynamoDB acknowledged the write, the
 * intent counts as <em>confirmed</em>. A rollback reads it to restore only the keys the run touched
 * (or was about to) and to spot items changed since. Kept in a DynamoDB table (default {@code
 * pitr-journal}, created on first run).
 *
 * <h2>Write-ahead, cheaply</h2>
 *
 * <ol>
 *   <li><b>Intent.</b> Every write first queues an intent: key, operation, and {@link ItemHash} of
 *       the image it will produce (a put's item; an update applied to the item as read; {@link
 *       ItemHash#DELETED}; {@link ItemHash#UNKNOWN} for an update given only the key). Intents are
 *       stored with BatchWriteItem, 25 per call, by group commit: a batch goes out as soon as it is
 *       full, or at once when no batch is in flight, so there are no timers and a lone write never
 *       waits for company. The data write is sent only after its intent's batch is stored; later
 *       intents of the same page are stored while earlier writes of the page are in flight.
 *   <li><b>Write.</b> Each intent carries a sequence number, increasing within an attempt of the
 *       run (a resumed run is a new attempt, with a higher fence).
 *   <li><b>Confirm lazily.</b> An acknowledged write whose image is the one intended needs no
 *       journal write at all: it only marks its sequence number resolved. The attempt's commit
 *       marker records which numbers are resolved (all up to a watermark, plus ranges above it
 *       where a write of another segment is still in flight); it is stored at the end of every scan
 *       page, before the page's checkpoint, and at the end of the run, so confirmation costs one
 *       small write per page, not one per key. Only the exceptions are written per key: an image
 *       other than the one intended (the item changed between read and update, or was passed
 *       incomplete or as a bare key) rewrites the entry's hash; a write whose condition failed and
 *       that left the item untouched deletes its intent (one that had landed on an earlier try, its
 *       answer lost, stays). A write that failed otherwise, its outcome unknown, is never marked
 *       resolved, so it reads as intended.
 * </ol>
 *
 * <p>A crash anywhere therefore leaves every key whose item changed in the journal: as a confirmed
 * entry, or as an intended one whose live item holds either the intended image (the write landed:
 * roll it back) or the image from before (it did not: nothing to undo). See {@link
 * JournalEntry.State}.
 *
 * <h2>Layout</h2>
 *
 * Key schema {@code pk} (S, hash), {@code sk} (S, range), on-demand billing.
 *
 * <ul>
 *   <li>Entry: {@code pk} = {@code <runId>#<shard>}, shard a number ({@code 00}, {@code 01}, ...)
 *       below journalShards (the run record says how many: about one per {@value
 *       #ENTRIES_PER_SHARD} items of the declared tables, at least {@value #DEFAULT_SHARDS}),
 *       chosen by the key's id, so one run's journal is spread over partitions instead of capping
 *       the run at one partition's 1,000 WCU. {@code sk} = {@code <key id>#<table>#<fence><seq>}:
 *       the key id is 16 hex digits of a 64-bit hash of the canonical key, the fence (8 hex digits)
 *       names the attempt and the sequence number (10 hex digits) orders its writes, so every write
 *       has its own entry and an attempt's intents never overwrite an earlier attempt's.
 *       Attributes: {@code key} (M), {@code op} (PUT, UPDATE, DELETE), {@code imageHash}, {@code
 *       writtenAt} (ISO-8601, when the intent was stored).
 *   <li>Commit marker: {@code pk} = {@code <runId>#commit}, {@code sk} = the fence (8 hex digits);
 *       {@code upTo} (N): every intent of that attempt numbered up to it is resolved; {@code
 *       ranges} (S, {@code from-to,...}): resolved numbers above it; {@code version} (N), raised by
 *       every marker, so a marker never overwrites a newer one. Stored empty before an attempt's
 *       first write, which also proves the journal is writable before any data is.
 * </ul>
 *
 * <p>Reading ({@link #read}) queries the shards in order, a few at a time; the entries of one key
 * are adjacent (same {@code <key id>#<table>} prefix), so it keeps the last entry of each key with
 * memory flat in the journal's size. Entries of journals written before write-ahead journaling
 * ({@code sk} = {@code <table>#<hex SHA-256 of the key>}, attributes {@code runId}, {@code table},
 * {@code writtenAt}, {@code fence}) read as confirmed.
 *
 * <p>Scan pages are checkpointed only after all their writes are acknowledged (and so journaled),
 * so a resumed run redoes only pages whose intents it may not have confirmed; the redone writes get
 * new intents under the new attempt's fence.
 */
public final class Journal {
  /** Partitions per run at least; recorded in the run record. */
  public static final int DEFAULT_SHARDS = 16;

  private static final int MAX_SHARDS = 4096;
  private static final int ENTRIES_PER_SHARD = 256;
  private static final int READERS = 8;

  static final int BATCH = 25;
  private static final int MAX_BATCHES_IN_FLIGHT = 4;
  private static final String COMMIT = "commit";
  private static final AttributeValue[] OPS = {s("PUT"), s("UPDATE"), s("DELETE")};

  private final DynamoDbGateway db;
  private final String table;
  private final String runId;
  private final long fence;
  private final String fenceText;
  private final int shards;
  private final AttributeValue[] partitions;
  private final AdaptiveRateLimiter limiter;
  private final Clock clock;

  private final ConcurrentLinkedQueue<Intent> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicInteger batchesInFlight = new AtomicInteger();
  private final LongAdder entries = new LongAdder();
  private final DoubleAdder wcu = new DoubleAdder();

  // Resolution of intents: every sequence number up to watermark is resolved; above it, the set
  // bits of resolved (bit i is number base + i).
  private final Object marks = new Object();
  private long issued;
  private long watermark;
  private long base = 1;
  private BitSet resolved = new BitSet();
  private long resolvedCount;
  private long committedCount;
  private long versions;
  private final AtomicReference<Mono<Void>> storing = new AtomicReference<>();

  Journal(
      DynamoDbGateway db,
      String table,
      String runId,
      long fence,
      int shards,
      AdaptiveRateLimiter limiter,
      Clock clock) {
    this.db = db;
    this.table = table;
    this.runId = runId;
    this.fence = fence;
    this.fenceText = hex(fence, 8);
    this.shards = shards;
    this.partitions = new AttributeValue[shards];
    for (int i = 0; i < shards; i++) {
      partitions[i] = s(partition(runId, i));
    }
    this.limiter = limiter;
    this.clock = clock;
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

  /**
   * Creates the journal table unless it exists; refuses ({@link pitr.ErrorCode#REFUSED}) when it
   * cannot be created or is not a journal.
   */
  static Mono<Void> ensureTable(DynamoDbGateway db, String table) {
    return LedgerTables.JOURNAL.ensure(db, createRequest(table), Duration.ofMinutes(5));
  }

  /** Keys journaled as written (intents stored, less those withdrawn). */
  long entries() {
    return entries.sum();
  }

  /** Write capacity the journal consumed: intents, corrections, markers. */
  double wcu() {
    return wcu.sum();
  }

  String runId() {
    return runId;
  }

  long fence() {
    return fence;
  }

  /**
   * Stores this attempt's commit marker (nothing resolved yet) before the first write, so a journal
   * the run cannot write refuses the run before any data is written.
   */
  Mono<Void> open() {
    return storeMark(0, Mark.NONE)
        .onErrorMap(e -> LedgerTables.JOURNAL.refusal("UpdateItem", table, e));
  }

  // Intents ------------------------------------------------------------------------------------

  /** A journaled write of one key, from intent to confirmation. */
  final class Intent {
    private final long seq;
    private final Map<String, AttributeValue> item;
    private final String imageHash;
    private final CompletableFuture<Void> stored = new CompletableFuture<>();

    private Intent(long seq, Map<String, AttributeValue> item, String imageHash) {
      this.seq = seq;
      this.item = item;
      this.imageHash = imageHash;
    }

    /** The image hash journaled. */
    String imageHash() {
      return imageHash;
    }

    /** Completes once the intent is stored; only then may the write be sent. */
    Mono<Void> stored() {
      return Mono.fromFuture(stored, true);
    }
  }

  /**
   * Queues the intent to write {@code key} of {@code dataTable}, producing an image with {@code
   * imageHash}; see {@link Intent#stored()}.
   */
  Intent intend(String dataTable, Map<String, AttributeValue> key, WriteOp op, String imageHash) {
    long id = keyId(key);
    long seq;
    synchronized (marks) {
      seq = ++issued;
    }
    Map<String, AttributeValue> item = new HashMap<>(8);
    item.put("pk", partitions[(int) Long.remainderUnsigned(id, shards)]);
    item.put(
        "sk",
        s(
            new StringBuilder(dataTable.length() + 37)
                .append(hex(id, 16))
                .append('#')
                .append(dataTable)
                .append('#')
                .append(fenceText)
                .append(hex(seq, 10))
                .toString()));
    item.put("key", AttributeValue.fromM(key));
    item.put("op", OPS[op.ordinal()]);
    item.put("imageHash", s(imageHash));
    Intent intent = new Intent(seq, item, imageHash);
    pending.add(intent);
    pendingCount.incrementAndGet();
    drain();
    return intent;
  }

  /** The write landed with the intended image. */
  void confirmed(Intent intent) {
    resolve(intent.seq);
  }

  /**
   * The write landed (or had landed) with another image than intended: rewrites the entry's hash,
   * then counts the intent confirmed.
   */
  Mono<Void> confirm(Intent intent, String imageHash) {
    Map<String, AttributeValue> item = new HashMap<>(intent.item);
    item.put("imageHash", s(imageHash));
    return db.putItemResponse(
            PutItemRequest.builder()
                .tableName(table)
                .item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .build())
        .doOnNext(r -> addUnits(r.consumedCapacity()))
        .then(Mono.fromRunnable(() -> resolve(intent.seq)));
  }

  /** The write did not happen (its condition failed): deletes the intent. */
  Mono<Void> withdraw(Intent intent) {
    return db.deleteItemResponse(
            DeleteItemRequest.builder()
                .tableName(table)
                .key(Map.of("pk", intent.item.get("pk"), "sk", intent.item.get("sk")))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .build())
        .doOnNext(r -> addUnits(r.consumedCapacity()))
        .then(
            Mono.fromRunnable(
                () -> {
                  entries.decrement();
                  resolve(intent.seq);
                }));
  }

  private void addUnits(software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity capacity) {
    if (capacity != null && capacity.capacityUnits() != null) {
      wcu.add(capacity.capacityUnits());
    }
  }

  /**
   * Sends full batches while fewer than {@link #MAX_BATCHES_IN_FLIGHT} are in flight, and a partial
   * one when none is: group commit without timers. Called after every intent and every batch.
   */
  private void drain() {
    for (; ; ) {
      int waiting = pendingCount.get();
      if (waiting <= 0) {
        return;
      }
      int inFlight = batchesInFlight.get();
      if (inFlight >= MAX_BATCHES_IN_FLIGHT || (inFlight > 0 && waiting < BATCH)) {
        return;
      }
      if (!batchesInFlight.compareAndSet(inFlight, inFlight + 1)) {
        continue;
      }
      List<Intent> batch = new ArrayList<>(BATCH);
      Intent next;
      while (batch.size() < BATCH && (next = pending.poll()) != null) {
        pendingCount.decrementAndGet();
        batch.add(next);
      }
      if (batch.isEmpty()) {
        batchesInFlight.decrementAndGet();
        continue;
      }
      store(batch);
    }
  }

  private void store(List<Intent> batch) {
    List<WriteRequest> requests = new ArrayList<>(batch.size());
    AttributeValue now = s(clock.instant().toString());
    for (Intent i : batch) {
      i.item.put("writtenAt", now);
      requests.add(
          WriteRequest.builder().putRequest(PutRequest.builder().item(i.item).build()).build());
    }
    BatchWrites.write(db, table, requests, limiter)
        .subscribe(
            units -> {
              wcu.add(units);
              entries.add(batch.size());
            },
            e -> {
              batchesInFlight.decrementAndGet();
              Throwable failure = LedgerTables.JOURNAL.refusal("BatchWriteItem", table, e);
              batch.forEach(i -> i.stored.completeExceptionally(failure));
              drain();
            },
            () -> {
              batchesInFlight.decrementAndGet();
              batch.forEach(i -> i.stored.complete(null));
              drain();
            });
  }

  // Confirmation -------------------------------------------------------------------------------

  /**
   * What a commit marker says of an attempt: every intent numbered up to {@code upTo} is resolved,
   * and so is every one in {@code ranges} ({@code from-to,...}, above {@code upTo}: writes of
   * finished pages while a write of another segment was still in flight).
   */
  record Mark(long upTo, String ranges) {
    static final Mark NONE = new Mark(0, "");

    boolean covers(long seq) {
      if (seq <= upTo) {
        return true;
      }
      if (ranges.isEmpty()) {
        return false;
      }
      for (String range : ranges.split(",")) {
        int dash = range.indexOf('-');
        if (seq >= Long.parseLong(range.substring(0, dash))
            && seq <= Long.parseLong(range.substring(dash + 1))) {
          return true;
        }
      }
      return false;
    }
  }

  private void resolve(long seq) {
    synchronized (marks) {
      if (seq <= watermark || resolved.get((int) (seq - base))) {
        return;
      }
      resolvedCount++;
      resolved.set((int) (seq - base));
      while (resolved.get((int) (watermark + 1 - base))) {
        watermark++;
      }
      if (watermark + 1 - base > 4096) {
        int from = (int) (watermark + 1 - base);
        resolved = resolved.get(from, Math.max(from, resolved.length()));
        base = watermark + 1;
      }
    }
  }

  /** The mark of everything resolved now; call holding {@code marks}. */
  private Mark mark() {
    StringBuilder ranges = new StringBuilder();
    int i = resolved.nextSetBit((int) (watermark + 1 - base));
    while (i >= 0) {
      int end = resolved.nextClearBit(i);
      if (ranges.length() > 0) {
        ranges.append(',');
      }
      ranges.append(base + i).append('-').append(base + end - 1);
      i = resolved.nextSetBit(end);
    }
    return new Mark(watermark, ranges.toString());
  }

  /**
   * Stores the commit marker if intents were resolved since the last one: every write acknowledged
   * so far then reads as confirmed. One small write, called at the end of every scan page (before
   * its checkpoint) and of the run; markers are stored one at a time, a caller finding one in
   * flight waits for it and then stores its own if there is anything new.
   */
  Mono<Void> commit() {
    return Mono.defer(
        () -> {
          Mono<Void> busy = storing.get();
          if (busy != null) {
            return busy.onErrorResume(e -> Mono.empty()).then(commit());
          }
          long count;
          long version;
          Mark mark;
          synchronized (marks) {
            if (resolvedCount == committedCount) {
              return Mono.empty();
            }
            count = resolvedCount;
            version = ++versions;
            mark = mark();
          }
          AtomicReference<Mono<Void>> self = new AtomicReference<>();
          // Cleared before subscribers hear of the outcome, so a waiting commit() sees it done.
          Mono<Void> store =
              storeMark(version, mark)
                  .doOnSuccess(
                      v -> {
                        synchronized (marks) {
                          committedCount = Math.max(committedCount, count);
                        }
                        storing.compareAndSet(self.get(), null);
                      })
                  .doOnError(e -> storing.compareAndSet(self.get(), null))
                  .cache();
          self.set(store);
          return storing.compareAndSet(null, store) ? store : commit();
        });
  }

  private Mono<Void> storeMark(long version, Mark mark) {
    return db.updateItem(
            UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of("pk", s(runId + "#" + COMMIT), "sk", s(fenceText)))
                .updateExpression("SET #upTo = :upTo, #ranges = :ranges, #v = :v, #at = :now")
                .conditionExpression("attribute_not_exists(#v) OR #v < :v")
                .expressionAttributeNames(
                    Map.of("#upTo", "upTo", "#ranges", "ranges", "#v", "version", "#at", "at"))
                .expressionAttributeValues(
                    Map.of(
                        ":upTo",
                        n(mark.upTo()),
                        ":ranges",
                        s(mark.ranges()),
                        ":v",
                        n(version),
                        ":now",
                        n(clock.millis())))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .build())
        .doOnNext(r -> addUnits(r.consumedCapacity()))
        .then()
        // A later marker of this attempt got there first.
        .onErrorResume(ConditionalCheckFailedException.class, e -> Mono.empty());
  }

  // Keys ---------------------------------------------------------------------------------------

  /**
   * A 64-bit id of a key: FNV-1a over the attributes sorted by name (name, type, value; numbers
   * canonical), finished with a multiplicative mix. Equal keys get equal ids in every process;
   * distinct keys sharing an id are told apart by their {@code key} attribute when reading.
   */
  static long keyId(Map<String, AttributeValue> key) {
    long h = 0xcbf29ce484222325L;
    if (key.size() == 1) {
      Map.Entry<String, AttributeValue> e = key.entrySet().iterator().next();
      h = attribute(h, e.getKey(), e.getValue());
    } else {
      String[] names = key.keySet().toArray(new String[0]);
      java.util.Arrays.sort(names);
      for (String name : names) {
        h = attribute(h, name, key.get(name));
      }
    }
    h *= 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29);
  }

  private static long attribute(long h, String name, AttributeValue v) {
    h = chars(h, name);
    h = (h ^ 0xff) * 0x100000001b3L;
    if (v.s() != null) {
      h = chars((h ^ 'S') * 0x100000001b3L, v.s());
    } else if (v.n() != null) {
      h = chars((h ^ 'N') * 0x100000001b3L, ItemHash.number(v.n()));
    } else if (v.b() != null) {
      h = (h ^ 'B') * 0x100000001b3L;
      for (byte b : v.b().asByteArrayUnsafe()) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
    } else {
      h = chars(h, ItemHash.canonical(Map.of(name, v)));
    }
    return (h ^ 0xfe) * 0x100000001b3L;
  }

  private static long chars(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  static String hex(long v, int width) {
    char[] out = new char[width];
    for (int i = width - 1; i >= 0; i--) {
      out[i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
    return new String(out);
  }

  /**
   * Partitions for a run expected to write {@code items} keys: about {@value #ENTRIES_PER_SHARD}
   * entries each (one query page), at least {@value #DEFAULT_SHARDS}, at most {@value #MAX_SHARDS}.
   * More partitions spread the journal's writes and let a rollback read it in parallel; they also
   * keep each partition's sorted run of entries short, which is what an ordered store spends its
   * time comparing.
   */
  static int shardsFor(long items) {
    long wanted = (items + ENTRIES_PER_SHARD - 1) / ENTRIES_PER_SHARD;
    return (int) Math.max(DEFAULT_SHARDS, Math.min(MAX_SHARDS, wanted));
  }

  static String partition(String runId, int shard) {
    return runId + "#" + (shard < 10 ? "0" + shard : Integer.toString(shard));
  }

  // Reading ------------------------------------------------------------------------------------

  /**
   * Every entry of {@code run}, shard by shard, one per key and table: the last write to it,
   * {@linkplain JournalEntry.State#INTENDED intended} unless its attempt's commit marker covers it.
   */
  static Flux<JournalEntry> read(DynamoDbGateway db, RunRecord run) {
    String table = run.journalTable();
    return marks(db, run)
        .flatMapMany(
            marks ->
                Flux.range(0, Math.max(1, run.journalShards()))
                    // In shard order, so that the entries of a key stay adjacent.
                    .flatMapSequential(
                        shard -> query(db, table, partition(run.runId(), shard)), READERS)
                    .bufferUntilChanged(Journal::group)
                    .concatMapIterable(group -> latest(run.runId(), group, marks)));
  }

  private static Mono<Map<Long, Mark>> marks(DynamoDbGateway db, RunRecord run) {
    return query(db, run.journalTable(), run.runId() + "#" + COMMIT)
        .collectMap(
            i -> Long.parseLong(str(i, "sk"), 16),
            i -> new Mark(num(i, "upTo"), i.containsKey("ranges") ? str(i, "ranges") : ""));
  }

  private static Flux<Map<String, AttributeValue>> query(
      DynamoDbGateway db, String table, String pk) {
    QueryRequest first =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("pk = :pk")
            .expressionAttributeValues(Map.of(":pk", s(pk)))
            .consistentRead(true)
            .build();
    return db.query(first)
        .expand(
            r ->
                r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                    ? db.query(first.toBuilder().exclusiveStartKey(r.lastEvaluatedKey()).build())
                    : Mono.empty())
        .concatMapIterable(r -> r.items());
  }

  /** The entries of one key (or of keys sharing an id) are adjacent: same key id and table. */
  private static String group(Map<String, AttributeValue> item) {
    String sk = str(item, "sk");
    int first = sk.indexOf('#');
    int second = sk.indexOf('#', first + 1);
    return second < 0 ? sk : sk.substring(0, second);
  }

  private static List<JournalEntry> latest(
      String runId, List<Map<String, AttributeValue>> group, Map<Long, Mark> marks) {
    if (group.size() == 1) {
      return List.of(entry(runId, group.get(0), marks));
    }
    // Sorted by sk, so a later write of a key comes after an earlier one.
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> byKey = new LinkedHashMap<>();
    for (Map<String, AttributeValue> i : group) {
      byKey.put(i.get("key").m(), i);
    }
    List<JournalEntry> out = new ArrayList<>(byKey.size());
    byKey.values().forEach(i -> out.add(entry(runId, i, marks)));
    return out;
  }

  private static JournalEntry entry(
      String runId, Map<String, AttributeValue> i, Map<Long, Mark> marks) {
    String sk = str(i, "sk");
    int first = sk.indexOf('#');
    int second = sk.indexOf('#', first + 1);
    if (second < 0) {
      return new JournalEntry(
          str(i, "runId"),
          str(i, "table"),
          i.get("key").m(),
          WriteOp.valueOf(str(i, "op")),
          str(i, "imageHash"),
          time(i, "writtenAt"),
          num(i, "fence"));
    }
    String order = sk.substring(second + 1);
    long fence = Long.parseLong(order.substring(0, 8), 16);
    long seq = Long.parseLong(order.substring(8), 16);
    boolean confirmed = marks.getOrDefault(fence, Mark.NONE).covers(seq);
    return new JournalEntry(
        runId,
        sk.substring(first + 1, second),
        i.get("key").m(),
        WriteOp.valueOf(str(i, "op")),
        str(i, "imageHash"),
        time(i, "writtenAt"),
        fence,
        confirmed ? JournalEntry.State.CONFIRMED : JournalEntry.State.INTENDED);
  }
}
