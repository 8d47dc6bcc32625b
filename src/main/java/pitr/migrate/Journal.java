package pitr.migrate;

import static pitr.migrate.Attrs.n;
import static pitr.migrate.Attrs.num;
import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;
import static pitr.migrate.Attrs.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
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
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
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
 *       ItemHash#DELETED}; {@link ItemHash#UNKNOWN} for an update given only the key), numbered by
 *       a sequence that increases within an attempt of the run (a resumed run is a new attempt,
 *       with a higher fence). Queued intents are stored by group commit, one batch at a time: at
 *       once when none is in flight, else everything that queued meanwhile goes out as the next
 *       batch when the current one is stored; no timers, and a lone write never waits for company.
 *       A batch packs its intents into one journal item per partition (up to {@value
 *       #ENTRIES_PER_ITEM} entries each, well within 400 KB even for the largest keys), written
 *       with BatchWriteItem, so a page of writes costs a few items of a few KB rather than one item
 *       (and one WCU at least) per key. The data write is sent only after its intent is stored;
 *       intents of later items of a page are stored while earlier writes of the page are in flight.
 *   <li><b>Confirm lazily.</b> An acknowledged write whose image is the one intended needs no
 *       journal write at all: it only marks its number resolved. The attempt's commit marker
 *       records which numbers are resolved (all up to a watermark, plus ranges above it where a
 *       write of another segment is still in flight); it is stored at the end of every scan page,
 *       before the page's checkpoint, and at the end of the run, so confirmation costs one small
 *       write per page, not one per key. Only the exceptions add entries, through the same queue: a
 *       <em>correction</em> when the image written is not the one intended (the item changed
 *       between read and update, or was passed incomplete or as a bare key), a <em>withdrawal</em>
 *       when a write's condition failed and left the item untouched (one that had landed on an
 *       earlier try, its answer lost, stays). A write that failed otherwise, its outcome unknown,
 *       is never marked resolved, so it reads as intended.
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
 *   <li>Journal item: {@code pk} = {@code <runId>#<shard>}, shard a number ({@code 00}, {@code 01},
 *       ...) below journalShards (the run record says how many: one per {@value #ENTRIES_PER_SHARD}
 *       items of the declared tables, at least {@value #DEFAULT_SHARDS}, at most {@value
 *       #MAX_SHARDS}), chosen by a 64-bit hash of the key, so the entries of one key are always in
 *       one partition and a reader holds one partition's keys at a time. {@code sk} = {@code
 *       <fence><seq>} (8 and 10 hex digits) of the item's first entry. Attributes: {@code table}
 *       (S), {@code writtenAt} (ISO-8601, when the batch was stored), {@code entries} (L of M,
 *       short names to keep the item small): {@code k} the key (M), {@code q} the sequence number
 *       (S, hex), {@code o} the operation (PUT, UPDATE, DELETE, or WITHDRAW), {@code h} the image
 *       hash, and for a withdrawal {@code w} the number of the entry it withdraws.
 *   <li>Commit marker: {@code pk} = {@code <runId>#commit}, {@code sk} = the fence (8 hex digits);
 *       {@code upTo} (N): every entry of that attempt numbered up to it is resolved; {@code ranges}
 *       (S, {@code from-to,...}): resolved numbers above it; {@code version} (N), raised by every
 *       marker, so a marker never overwrites a newer one. Stored empty before an attempt's first
 *       write, which also proves the journal is writable before any data is.
 * </ul>
 *
 * <p>Reading ({@link #read}) queries the partitions in order, a few at a time, and keeps, per key,
 * the entry with the highest (fence, number) that is not withdrawn: memory is one partition's
 * entries, about {@value #ENTRIES_PER_SHARD} keys. Items written before write-ahead journaling (one
 * per key: {@code sk} = {@code <table>#<hex SHA-256 of the key>}, attributes {@code runId}, {@code
 * table}, {@code key}, {@code op}, {@code imageHash}, {@code writtenAt}, {@code fence}) read as
 * confirmed.
 *
 * <p>Scan pages are checkpointed only after all their writes are acknowledged and the commit marker
 * covers them, so a resumed run redoes only pages whose writes it may not have confirmed; the
 * redone writes get new intents under the new attempt's fence.
 */
public final class Journal {
  /** Partitions per run at least; recorded in the run record. */
  public static final int DEFAULT_SHARDS = 16;

  static final int MAX_SHARDS = 4096;
  static final int ENTRIES_PER_SHARD = 20_000;
  private static final int READERS = 4;

  /** Entries at most in one journal item: 100 of the largest keys (3 KB) stay below 400 KB. */
  static final int ENTRIES_PER_ITEM = 100;

  /** Entries at most in one batch. */
  private static final int MAX_ENTRIES = 2500;

  private static final String COMMIT = "commit";
  private static final String WITHDRAW = "WITHDRAW";
  private static final AttributeValue[] OPS = {s("PUT"), s("UPDATE"), s("DELETE")};
  private static final AttributeValue WITHDRAWN = s(WITHDRAW);

  private final DynamoDbGateway db;
  private final String table;
  private final String runId;
  private final String fenceText;
  private final int shards;
  private final AttributeValue[] partitions;
  private final AdaptiveRateLimiter limiter;
  private final Clock clock;

  private final ConcurrentLinkedQueue<Entry> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicBoolean batchInFlight = new AtomicBoolean();
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

  /**
   * Stores this attempt's commit marker (nothing resolved yet) before the first write, so a journal
   * the run cannot write refuses the run before any data is written.
   */
  Mono<Void> open() {
    return storeMark(0, Mark.NONE)
        .onErrorMap(e -> LedgerTables.JOURNAL.refusal("UpdateItem", table, e));
  }

  // Intents ------------------------------------------------------------------------------------

  /** One entry on its way into the journal: an intent, a correction or a withdrawal. */
  private static final class Entry {
    final long seq;
    final int shard;
    final String dataTable;
    final AttributeValue value;

    /** +1 for a key newly journaled (an intent), -1 for a withdrawal, 0 for a correction. */
    final int counts;

    final CompletableFuture<Void> stored = new CompletableFuture<>();

    Entry(long seq, int shard, String dataTable, AttributeValue value, int counts) {
      this.seq = seq;
      this.shard = shard;
      this.dataTable = dataTable;
      this.value = value;
      this.counts = counts;
    }
  }

  /** A journaled write of one key, from intent to confirmation. */
  final class Intent {
    private final Entry entry;
    private final String imageHash;
    private final Map<String, AttributeValue> key;
    private final WriteOp op;

    private Intent(Entry entry, String imageHash, Map<String, AttributeValue> key, WriteOp op) {
      this.entry = entry;
      this.imageHash = imageHash;
      this.key = key;
      this.op = op;
    }

    /** The image hash journaled. */
    String imageHash() {
      return imageHash;
    }

    /** Completes once the intent is stored; only then may the write be sent. */
    Mono<Void> stored() {
      return Mono.fromFuture(entry.stored, true);
    }
  }

  /**
   * Queues the intent to write {@code key} of {@code dataTable}, producing an image with {@code
   * imageHash}; see {@link Intent#stored()}.
   */
  Intent intend(String dataTable, Map<String, AttributeValue> key, WriteOp op, String imageHash) {
    int shard = (int) Long.remainderUnsigned(keyId(key), shards);
    Entry e = queue(shard, dataTable, key, OPS[op.ordinal()], imageHash, -1, 1);
    return new Intent(e, imageHash, key, op);
  }

  private Entry queue(
      int shard,
      String dataTable,
      Map<String, AttributeValue> key,
      AttributeValue op,
      String imageHash,
      long withdraws,
      int counts) {
    long seq;
    synchronized (marks) {
      seq = ++issued;
    }
    Map<String, AttributeValue> value = new HashMap<>(8);
    value.put("k", AttributeValue.fromM(key));
    value.put("q", s(hex(seq, 10)));
    value.put("o", op);
    if (imageHash != null) {
      value.put("h", s(imageHash));
    }
    if (withdraws >= 0) {
      value.put("w", s(hex(withdraws, 10)));
    }
    Entry e = new Entry(seq, shard, dataTable, AttributeValue.fromM(value), counts);
    pending.add(e);
    pendingCount.incrementAndGet();
    drain();
    return e;
  }

  /** The write landed with the intended image. */
  void confirmed(Intent intent) {
    resolve(intent.entry.seq);
  }

  /**
   * The write landed (or had landed) with another image than intended: journals a correction with
   * the image found, then counts the intent confirmed.
   */
  Mono<Void> confirm(Intent intent, String imageHash) {
    Entry correction =
        queue(
            intent.entry.shard,
            intent.entry.dataTable,
            intent.key,
            OPS[intent.op.ordinal()],
            imageHash,
            -1,
            0);
    return Mono.fromFuture(correction.stored, true)
        .then(
            Mono.fromRunnable(
                () -> {
                  resolve(correction.seq);
                  resolve(intent.entry.seq);
                }));
  }

  /** The write did not happen (its condition failed): journals the intent's withdrawal. */
  Mono<Void> withdraw(Intent intent) {
    Entry withdrawal =
        queue(
            intent.entry.shard,
            intent.entry.dataTable,
            intent.key,
            WITHDRAWN,
            null,
            intent.entry.seq,
            -1);
    return Mono.fromFuture(withdrawal.stored, true)
        .then(
            Mono.fromRunnable(
                () -> {
                  resolve(withdrawal.seq);
                  resolve(intent.entry.seq);
                }));
  }

  private void addUnits(software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity capacity) {
    if (capacity != null && capacity.capacityUnits() != null) {
      wcu.add(capacity.capacityUnits());
    }
  }

  /**
   * Sends what waits as one batch unless a batch is in flight: group commit without timers. Called
   * after every entry queued and every batch stored.
   */
  private void drain() {
    while (pendingCount.get() > 0 && batchInFlight.compareAndSet(false, true)) {
      List<Entry> batch = new ArrayList<>(Math.min(pendingCount.get(), MAX_ENTRIES));
      Entry next;
      while (batch.size() < MAX_ENTRIES && (next = pending.poll()) != null) {
        pendingCount.decrementAndGet();
        batch.add(next);
      }
      if (batch.isEmpty()) {
        batchInFlight.set(false);
        continue;
      }
      store(batch);
      return;
    }
  }

  /** Packs a batch into journal items by partition and table, 25 items per call. */
  private void store(List<Entry> batch) {
    Map<Long, List<Entry>> groups = new LinkedHashMap<>();
    Map<String, Integer> tables = new HashMap<>();
    Map<Long, Integer> items = new HashMap<>();
    for (Entry e : batch) {
      long partition =
          (long) tables.computeIfAbsent(e.dataTable, t -> tables.size()) * shards + e.shard;
      int n = items.merge(partition, 1, Integer::sum) - 1;
      // Items of a partition get group numbers far apart from other partitions'.
      groups
          .computeIfAbsent(partition * MAX_ENTRIES + n / ENTRIES_PER_ITEM, g -> new ArrayList<>())
          .add(e);
    }
    AttributeValue now = s(clock.instant().toString());
    List<WriteRequest> requests = new ArrayList<>(groups.size());
    for (List<Entry> group : groups.values()) {
      Entry first = group.get(0);
      List<AttributeValue> values = new ArrayList<>(group.size());
      for (Entry e : group) {
        values.add(e.value);
      }
      Map<String, AttributeValue> item = new HashMap<>(8);
      item.put("pk", partitions[first.shard]);
      item.put("sk", s(fenceText + hex(first.seq, 10)));
      item.put("table", s(first.dataTable));
      item.put("writtenAt", now);
      item.put("entries", AttributeValue.fromL(values));
      requests.add(
          WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    long keys = batch.stream().mapToLong(e -> e.counts).sum();
    Flux.fromIterable(chunks(requests))
        .flatMap(chunk -> BatchWrites.write(db, table, chunk, limiter))
        .reduce(0.0, Double::sum)
        .subscribe(
            units -> {
              wcu.add(units);
              entries.add(keys);
            },
            e -> {
              batchInFlight.set(false);
              Throwable failure = LedgerTables.JOURNAL.refusal("BatchWriteItem", table, e);
              batch.forEach(i -> i.stored.completeExceptionally(failure));
              drain();
            },
            () -> {
              batchInFlight.set(false);
              batch.forEach(i -> i.stored.complete(null));
              drain();
            });
  }

  private static List<List<WriteRequest>> chunks(List<WriteRequest> requests) {
    List<List<WriteRequest>> out = new ArrayList<>();
    for (int i = 0; i < requests.size(); i += 25) {
      out.add(requests.subList(i, Math.min(requests.size(), i + 25)));
    }
    return out;
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
   * Partitions for a run expected to write {@code items} keys: one per {@value #ENTRIES_PER_SHARD}
   * keys, since a reader holds one partition's keys at a time; at least {@value #DEFAULT_SHARDS},
   * to spread the journal's writes; at most {@value #MAX_SHARDS}. Fewer partitions pack more
   * entries into each journal item.
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
   * Every entry of {@code run}, partition by partition, one per key and table: the last write to it
   * that was not withdrawn, {@linkplain JournalEntry.State#INTENDED intended} unless its attempt's
   * commit marker covers it.
   */
  static Flux<JournalEntry> read(DynamoDbGateway db, RunRecord run) {
    String table = run.journalTable();
    return marks(db, run)
        .flatMapMany(
            marks ->
                Flux.range(0, Math.max(1, run.journalShards()))
                    .flatMapSequential(
                        shard ->
                            query(db, table, partition(run.runId(), shard))
                                .collectList()
                                .map(items -> latest(run.runId(), items, marks)),
                        READERS)
                    .concatMapIterable(entries -> entries));
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
    return db.queryPages(first).concatMapIterable(r -> r.items());
  }

  /** A key of a table. */
  private record Keyed(String table, Map<String, AttributeValue> key) {}

  /** A journaled write of a key, ordered by attempt and number. */
  private record Written(long fence, long seq, JournalEntry entry) {
    boolean after(Written other) {
      return fence != other.fence ? fence > other.fence : seq > other.seq;
    }
  }

  /** The last write of every key of one partition that was not withdrawn. */
  private static List<JournalEntry> latest(
      String runId, List<Map<String, AttributeValue>> items, Map<Long, Mark> marks) {
    Map<Keyed, List<Written>> writes = new LinkedHashMap<>();
    Map<Keyed, java.util.Set<Long>> withdrawn = new HashMap<>();
    for (Map<String, AttributeValue> item : items) {
      if (!item.containsKey("entries")) {
        JournalEntry legacy = legacy(item);
        writes
            .computeIfAbsent(new Keyed(legacy.table(), legacy.key()), k -> new ArrayList<>())
            .add(new Written(legacy.fence(), -1, legacy));
        continue;
      }
      String dataTable = str(item, "table");
      long fence = Long.parseLong(str(item, "sk").substring(0, 8), 16);
      Instant writtenAt = time(item, "writtenAt");
      Mark mark = marks.getOrDefault(fence, Mark.NONE);
      for (AttributeValue v : item.get("entries").l()) {
        Map<String, AttributeValue> e = v.m();
        Keyed keyed = new Keyed(dataTable, e.get("k").m());
        String op = str(e, "o");
        if (WITHDRAW.equals(op)) {
          withdrawn
              .computeIfAbsent(keyed, k -> new java.util.HashSet<>())
              .add(fence << 40 | Long.parseLong(str(e, "w"), 16));
          continue;
        }
        long seq = Long.parseLong(str(e, "q"), 16);
        writes
            .computeIfAbsent(keyed, k -> new ArrayList<>(1))
            .add(
                new Written(
                    fence,
                    seq,
                    new JournalEntry(
                        runId,
                        dataTable,
                        keyed.key(),
                        WriteOp.valueOf(op),
                        str(e, "h"),
                        writtenAt,
                        fence,
                        mark.covers(seq)
                            ? JournalEntry.State.CONFIRMED
                            : JournalEntry.State.INTENDED)));
      }
    }
    List<JournalEntry> out = new ArrayList<>(writes.size());
    writes.forEach(
        (keyed, list) -> {
          java.util.Set<Long> gone = withdrawn.getOrDefault(keyed, java.util.Set.of());
          Written last = null;
          for (Written w : list) {
            if (w.seq() >= 0 && gone.contains(w.fence() << 40 | w.seq())) {
              continue;
            }
            if (last == null || w.after(last)) {
              last = w;
            }
          }
          if (last != null) {
            out.add(last.entry());
          }
        });
    return out;
  }

  private static JournalEntry legacy(Map<String, AttributeValue> i) {
    return new JournalEntry(
        str(i, "runId"),
        str(i, "table"),
        i.get("key").m(),
        WriteOp.valueOf(str(i, "op")),
        str(i, "imageHash"),
        time(i, "writtenAt"),
        num(i, "fence"));
  }
}
