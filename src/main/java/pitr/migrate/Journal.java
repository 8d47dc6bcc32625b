package pitr.migrate;

import static pitr.migrate.Attrs.s;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The write-ahead journal: before a run writes an item, the item's key and the hash of the image
 * about to be written are stored as an <em>intent</em>; once DynamoDB acknowledged the write, the
 * intent counts as <em>confirmed</em>. A rollback reads it to restore only the keys the run touched
 * (or was about to) and to spot items changed since; a resumed run reads the end of it to skip the
 * writes that landed (see {@link ResumeSkips}). Kept in a DynamoDB table (default {@code
 * pitr-journal}, created on first run). This class writes it; {@link CommitMarker} confirms, {@link
 * JournalReader} reads.
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
 *       Entries are queued in the order of their numbers and batches leave in queue order, so a
 *       journal item's sort key (its first entry's number) never exceeds the numbers it holds and
 *       {@link #position()} can say where the entries queued from now on will be.
 *   <li><b>Confirm lazily.</b> An acknowledged write whose image is the one intended needs no
 *       journal write at all: it only marks its number resolved. The attempt's commit marker
 *       ({@link CommitMarker}) records which numbers are resolved and how many writes were
 *       confirmed; it is stored at the end of every scan page, before the page's checkpoint, and at
 *       the end of the run, so confirmation costs one small write per page, not one per key. Only
 *       the exceptions add entries, through the same queue: a <em>correction</em> when the image
 *       written is not the one intended (the item changed between read and update, or was passed
 *       incomplete or as a bare key), a <em>withdrawal</em> when a write's condition failed and
 *       left the item untouched (one that had landed on an earlier try, its answer lost, stays) or
 *       when the write was cancelled before it was sent. A write that failed otherwise, its outcome
 *       unknown, is never marked resolved, so it reads as intended.
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
 *       ...) below journalShards (the run record says how many: one per 20,000 items of the
 *       declared tables, at least 16, at most 4096), chosen by a 64-bit hash of the key, so the
 *       entries of one key are always in one partition and a reader holds one partition's keys at a
 *       time. {@code sk} = {@code <fence><seq>} (8 and 10 hex digits) of the item's first entry.
 *       Attributes: {@code table} (S), {@code writtenAt} (ISO-8601, when the batch was stored),
 *       {@code entries} (L of M, short names to keep the item small): {@code k} the key (M), {@code
 *       q} the sequence number (S, hex), {@code o} the operation (PUT, UPDATE, DELETE, or
 *       WITHDRAW), {@code h} the image hash, for a withdrawal {@code w} the number of the entry it
 *       withdraws, and {@code p} (S, decimal) the number of the {@code forEachItem} pass over
 *       {@code table} when the write is to the very item that pass handed the migration.
 *   <li>Commit marker: {@code pk} = {@code <runId>#commit}, {@code sk} = the fence (8 hex digits);
 *       {@code upTo} (N): every entry of that attempt numbered up to it is resolved; {@code ranges}
 *       (S, {@code from-to,...}): resolved numbers above it; {@code read}, {@code written}, {@code
 *       wcu} (N): items the attempt read, writes it confirmed and their capacity, as of the marker;
 *       {@code version} (N), raised by every marker, so a marker never overwrites a newer one.
 *       Stored empty before an attempt's first write, which also proves the journal is writable
 *       before any data is.
 * </ul>
 *
 * <p>Scan pages are checkpointed only after all their writes are acknowledged and the commit marker
 * covers them, so a resumed run redoes only pages whose writes it may not have confirmed; the
 * checkpoint also keeps the journal {@link #position()} from where the next page's entries are, so
 * the resumed run reads only the end of the journal to find which of them landed.
 */
public final class Journal {
  /** Entries at most in one journal item: 100 of the largest keys (3 KB) stay below 400 KB. */
  static final int ENTRIES_PER_ITEM = 100;

  /** Entries at most in one batch. */
  private static final int MAX_ENTRIES = 2500;

  private static final AttributeValue[] OPS = {s("PUT"), s("UPDATE"), s("DELETE")};
  private static final AttributeValue WITHDRAWN = s(JournalLayout.WITHDRAW);

  private final DynamoDbGateway db;
  private final String table;
  private final long fence;
  private final int shards;
  private final AttributeValue[] partitions;
  private final AdaptiveRateLimiter limiter;
  private final Clock clock;
  private final CommitMarker marker;

  // Numbers are issued and entries queued and taken into batches under queueLock, so the queue and
  // the batches are in number order.
  private final Object queueLock = new Object();
  private long issued;
  private long batchFirst = 1;
  private final ConcurrentLinkedQueue<Entry> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicBoolean batchInFlight = new AtomicBoolean();
  private final LongAdder entries = new LongAdder();
  private final DoubleAdder wcu = new DoubleAdder();

  /**
   * @param reads items the attempt read so far, for its commit markers
   */
  Journal(
      DynamoDbGateway db,
      String table,
      String runId,
      long fence,
      int shards,
      AdaptiveRateLimiter limiter,
      Clock clock,
      LongSupplier reads) {
    this.db = db;
    this.table = table;
    this.fence = fence;
    this.shards = shards;
    this.partitions = new AttributeValue[shards];
    for (int i = 0; i < shards; i++) {
      partitions[i] = s(JournalLayout.partition(runId, i));
    }
    this.limiter = limiter;
    this.clock = clock;
    this.marker = new CommitMarker(db, table, runId, fence, clock, reads, wcu::add);
  }

  /**
   * Creates the journal table unless it exists; refuses ({@link pitr.ErrorCode#REFUSED}) when it
   * cannot be created or is not a journal.
   */
  static Mono<Void> ensureTable(DynamoDbGateway db, String table) {
    return LedgerTables.JOURNAL.ensure(
        db, JournalLayout.createRequest(table), Duration.ofMinutes(5));
  }

  /** Keys journaled as written (intents stored, less those withdrawn). */
  long entries() {
    return entries.sum();
  }

  /** Write capacity the journal consumed: intents, corrections, markers. */
  double wcu() {
    return wcu.sum();
  }

  /** What this attempt's last stored commit marker records. */
  CommitMarker.Counts committed() {
    return marker.committed();
  }

  /**
   * Stores this attempt's commit marker (nothing resolved yet) before the first write, so a journal
   * the run cannot write refuses the run before any data is written.
   */
  Mono<Void> open() {
    return marker.open().onErrorMap(e -> LedgerTables.JOURNAL.refusal("UpdateItem", table, e));
  }

  /** Stores the commit marker if anything was resolved or read since the last one. */
  Mono<Void> commit() {
    return marker.commit();
  }

  /**
   * Where the entries queued from now on will be: every journal item holding one has a sort key at
   * or after this one, in this attempt's partitions or a later attempt's.
   */
  String position() {
    synchronized (queueLock) {
      Entry head = pending.peek();
      // A batch being formed or in flight may hold numbers below the queue's head.
      long floor = batchInFlight.get() ? batchFirst : head != null ? head.seq : issued + 1;
      return JournalLayout.sortKey(fence, floor);
    }
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
    private final Integer pass;

    private Intent(
        Entry entry, String imageHash, Map<String, AttributeValue> key, WriteOp op, Integer pass) {
      this.entry = entry;
      this.imageHash = imageHash;
      this.key = key;
      this.op = op;
      this.pass = pass;
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
   *
   * @param pass the {@code forEachItem} pass over {@code dataTable} that handed the migration this
   *     very item, or null
   */
  Intent intend(
      String dataTable,
      Map<String, AttributeValue> key,
      WriteOp op,
      String imageHash,
      Integer pass) {
    int shard = (int) Long.remainderUnsigned(JournalLayout.keyId(key), shards);
    Entry e = queue(shard, dataTable, key, OPS[op.ordinal()], imageHash, -1, pass, 1);
    return new Intent(e, imageHash, key, op, pass);
  }

  private Entry queue(
      int shard,
      String dataTable,
      Map<String, AttributeValue> key,
      AttributeValue op,
      String imageHash,
      long withdraws,
      Integer pass,
      int counts) {
    Map<String, AttributeValue> value = new HashMap<>(8);
    value.put(JournalLayout.KEY, AttributeValue.fromM(key));
    value.put(JournalLayout.OP, op);
    if (imageHash != null) {
      value.put(JournalLayout.HASH, s(imageHash));
    }
    if (withdraws >= 0) {
      value.put(JournalLayout.WITHDRAWS, s(JournalLayout.hex(withdraws, 10)));
    }
    if (pass != null) {
      value.put(JournalLayout.PASS, s(Integer.toString(pass)));
    }
    Entry e;
    synchronized (queueLock) {
      long seq = ++issued;
      value.put(JournalLayout.SEQ, s(JournalLayout.hex(seq, 10)));
      e = new Entry(seq, shard, dataTable, AttributeValue.fromM(value), counts);
      pending.add(e);
    }
    pendingCount.incrementAndGet();
    drain();
    return e;
  }

  /** The write landed with the intended image, consuming {@code units}. */
  void confirmed(Intent intent, double units) {
    marker.landed(units, intent.entry.seq);
  }

  /**
   * The write landed (or had landed) with another image than intended: journals a correction with
   * the image found, then counts the intent confirmed.
   */
  Mono<Void> confirm(Intent intent, String imageHash, double units) {
    Entry correction =
        queue(
            intent.entry.shard,
            intent.entry.dataTable,
            intent.key,
            OPS[intent.op.ordinal()],
            imageHash,
            -1,
            intent.pass,
            0);
    return Mono.fromFuture(correction.stored, true)
        .then(Mono.fromRunnable(() -> marker.landed(units, correction.seq, intent.entry.seq)));
  }

  /**
   * The write did not happen (its condition failed, or it was cancelled before it was sent):
   * journals the intent's withdrawal.
   */
  Mono<Void> withdraw(Intent intent) {
    Entry withdrawal =
        queue(
            intent.entry.shard,
            intent.entry.dataTable,
            intent.key,
            WITHDRAWN,
            null,
            intent.entry.seq,
            null,
            -1);
    return Mono.fromFuture(withdrawal.stored, true)
        .then(Mono.fromRunnable(() -> marker.resolve(withdrawal.seq, intent.entry.seq)));
  }

  /**
   * A write an earlier attempt of the run sent, that landed but that no commit marker counted: the
   * attempt was killed first. Journals it again under this attempt, confirmed and counted, so the
   * run's counts include it once.
   */
  Mono<Void> adopt(
      String dataTable, Map<String, AttributeValue> key, WriteOp op, String imageHash, int pass) {
    return Mono.defer(
        () -> {
          Intent intent = intend(dataTable, key, op, imageHash, pass);
          return intent.stored().then(Mono.fromRunnable(() -> confirmed(intent, 0)));
        });
  }

  /**
   * Sends what waits as one batch unless a batch is in flight: group commit without timers. Called
   * after every entry queued and every batch stored.
   */
  private void drain() {
    while (pendingCount.get() > 0 && batchInFlight.compareAndSet(false, true)) {
      List<Entry> batch = new ArrayList<>(Math.min(pendingCount.get(), MAX_ENTRIES));
      synchronized (queueLock) {
        Entry next;
        while (batch.size() < MAX_ENTRIES && (next = pending.poll()) != null) {
          pendingCount.decrementAndGet();
          batch.add(next);
        }
        if (!batch.isEmpty()) {
          batchFirst = batch.get(0).seq;
        }
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
      item.put("sk", s(JournalLayout.sortKey(fence, first.seq)));
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
}
