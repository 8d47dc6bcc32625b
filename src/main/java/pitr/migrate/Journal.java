package pitr.migrate;

import static pitr.migrate.Attrs.s;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 *       The entries of a batch share one future, completed when the whole batch is stored; the next
 *       batch is sent before that future is completed, so the intents of batch k+1 are being stored
 *       while the data writes of batch k are in flight, and no data write is sent before the batch
 *       holding its intent is acknowledged. A batch packs its intents into one journal item per
 *       partition, their entries encoded as one binary value ({@link PackedEntries}: about 55 bytes
 *       an entry for a short key, up to {@value #ITEM_BYTES} bytes an item) and written with
 *       BatchWriteItem, so a page of writes costs a few small items rather than one item (and one
 *       WCU at least) per key, and DynamoDB, the SDK and the embedded engine marshal, check and
 *       size one attribute per journal item rather than six per entry. Entries are queued in the
 *       order of their numbers and batches leave in queue order, so a journal item's sort key (its
 *       first entry's number) never exceeds the numbers it holds and {@link #position()} can say
 *       where the entries queued from now on will be.
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
 *       {@code packed} (B): the entries, encoded as {@link PackedEntries} describes; each holds the
 *       key, the sequence number, the operation (PUT, UPDATE, DELETE, or WITHDRAW), the image hash,
 *       for a withdrawal the number of the entry it withdraws, and the number of the {@code
 *       forEachItem} pass over {@code table} when the write is to the very item that pass handed
 *       the migration. Journals written before entries were packed hold instead {@code entries} (L
 *       of M, short names): {@code k} the key (M), {@code q} the sequence number (S, hex), {@code
 *       o} the operation, {@code h} the image hash, {@code w} the withdrawn number (S, hex), {@code
 *       p} the pass (S, decimal); {@link JournalReader} reads both, item by item, so a run started
 *       by an older pitr can be resumed or rolled back by this one.
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
  /**
   * Bytes at most of one journal item's packed entries: well below DynamoDB's 400 KB even for an
   * entry of the largest key (3 KB), which always fits.
   */
  static final int ITEM_BYTES = 256 * 1024;

  /** Entries at most in one batch. */
  private static final int MAX_ENTRIES = 2500;

  private final DynamoDbGateway db;
  private final String table;
  private final long fence;
  private final int shards;
  private final AttributeValue[] partitions;
  private final AdaptiveRateLimiter limiter;
  private final Clock clock;
  private final CommitMarker marker;

  // Numbers are issued, entries grouped and groups taken as batches under queueLock, so the groups
  // and the batches are in number order.
  private final Object queueLock = new Object();
  private long issued;
  private long batchFirst = 1;
  private boolean batchInFlight;
  private Group open = new Group();
  private final ArrayDeque<Group> full = new ArrayDeque<>();
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
      Group head = full.isEmpty() ? open : full.peek();
      // A batch in flight holds numbers below the waiting groups'.
      long floor = batchInFlight ? batchFirst : head.size > 0 ? head.entries[0].seq : issued + 1;
      return JournalLayout.sortKey(fence, floor);
    }
  }

  // Intents ------------------------------------------------------------------------------------

  /** One entry on its way into the journal: an intent, a correction or a withdrawal. */
  private static final class Entry {
    final long seq;
    final int shard;
    final String dataTable;
    final Map<String, AttributeValue> key;

    /** {@link PackedEntries#PUT} ... {@link PackedEntries#WITHDRAW}. */
    final int op;

    final String imageHash;
    final long withdraws;
    final int pass;

    /** +1 for a key newly journaled (an intent), -1 for a withdrawal, 0 for a correction. */
    final int counts;

    final Group group;

    Entry(
        long seq,
        int shard,
        String dataTable,
        Map<String, AttributeValue> key,
        int op,
        String imageHash,
        long withdraws,
        int pass,
        int counts,
        Group group) {
      this.seq = seq;
      this.shard = shard;
      this.dataTable = dataTable;
      this.key = key;
      this.op = op;
      this.imageHash = imageHash;
      this.withdraws = withdraws;
      this.pass = pass;
      this.counts = counts;
      this.group = group;
    }
  }

  /**
   * Entries that leave as one batch, in number order, and the one future they share: completed once
   * the batch is stored, failed if it cannot be.
   */
  private static final class Group {
    Entry[] entries = new Entry[16];
    int size;
    final CompletableFuture<Void> stored = new CompletableFuture<>();

    void add(Entry e) {
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, size * 2);
      }
      entries[size++] = e;
    }
  }

  /** A journaled write of one key, from intent to confirmation. */
  final class Intent {
    private final Entry entry;

    private Intent(Entry entry) {
      this.entry = entry;
    }

    /** The image hash journaled. */
    String imageHash() {
      return entry.imageHash;
    }

    /** Completes once the intent is stored; only then may the write be sent. */
    Mono<Void> stored() {
      return Mono.fromFuture(entry.group.stored, true);
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
    return new Intent(
        queue(
            shard,
            dataTable,
            key,
            PackedEntries.code(op),
            imageHash,
            -1,
            pass == null ? -1 : pass,
            1));
  }

  private Entry queue(
      int shard,
      String dataTable,
      Map<String, AttributeValue> key,
      int op,
      String imageHash,
      long withdraws,
      int pass,
      int counts) {
    Entry e;
    Group send = null;
    synchronized (queueLock) {
      if (open.size == MAX_ENTRIES) {
        full.add(open);
        open = new Group();
      }
      e = new Entry(++issued, shard, dataTable, key, op, imageHash, withdraws, pass, counts, open);
      open.add(e);
      if (!batchInFlight) {
        send = next();
      }
    }
    if (send != null) {
      store(send);
    }
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
    Entry i = intent.entry;
    Entry correction = queue(i.shard, i.dataTable, i.key, i.op, imageHash, -1, i.pass, 0);
    return Mono.fromFuture(correction.group.stored, true)
        .then(Mono.fromRunnable(() -> marker.landed(units, correction.seq, i.seq)));
  }

  /**
   * The write did not happen (its condition failed, or it was cancelled before it was sent):
   * journals the intent's withdrawal.
   */
  Mono<Void> withdraw(Intent intent) {
    Entry i = intent.entry;
    Entry withdrawal =
        queue(i.shard, i.dataTable, i.key, PackedEntries.WITHDRAW, null, i.seq, -1, -1);
    return Mono.fromFuture(withdrawal.group.stored, true)
        .then(Mono.fromRunnable(() -> marker.resolve(withdrawal.seq, i.seq)));
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
   * The next batch, taken out of the queue and marked in flight, or null when nothing waits: group
   * commit without timers. Call holding queueLock when no batch is in flight.
   */
  private Group next() {
    Group g = full.poll();
    if (g == null) {
      if (open.size == 0) {
        return null;
      }
      g = open;
      open = new Group();
    }
    batchInFlight = true;
    batchFirst = g.entries[0].seq;
    return g;
  }

  /** Once a batch is stored (or failed): sends the next one if anything waits. */
  private void stored() {
    Group send;
    synchronized (queueLock) {
      batchInFlight = false;
      send = next();
    }
    if (send != null) {
      store(send);
    }
  }

  /**
   * Packs a batch into journal items by partition and table, each item's entries encoded as one
   * value ({@link PackedEntries}) of at most {@value #ITEM_BYTES} bytes; 25 items per call.
   */
  private void store(Group batch) {
    Map<Long, List<Packing>> byPartition = new HashMap<>();
    Map<String, Integer> tables = new HashMap<>(4);
    List<Packing> items = new ArrayList<>();
    long keys = 0;
    for (int i = 0; i < batch.size; i++) {
      Entry e = batch.entries[i];
      keys += e.counts;
      long partition =
          (long) tables.computeIfAbsent(e.dataTable, t -> tables.size()) * shards + e.shard;
      List<Packing> open = byPartition.computeIfAbsent(partition, p -> new ArrayList<>(1));
      Packing p = open.isEmpty() ? null : open.get(open.size() - 1);
      if (p == null || p.writer.size() >= ITEM_BYTES) {
        p = new Packing(e);
        open.add(p);
        items.add(p);
      }
      p.writer.add(e.seq, e.op, e.withdraws, e.pass, e.imageHash, e.key);
    }
    AttributeValue now = s(clock.instant().toString());
    List<WriteRequest> requests = new ArrayList<>(items.size());
    for (Packing p : items) {
      Map<String, AttributeValue> item = new HashMap<>(8);
      item.put("pk", partitions[p.first.shard]);
      item.put("sk", s(JournalLayout.sortKey(fence, p.first.seq)));
      item.put("table", s(p.first.dataTable));
      item.put("writtenAt", now);
      item.put(JournalLayout.PACKED, p.writer.value());
      requests.add(
          WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    long journaled = keys;
    Flux.fromIterable(chunks(requests))
        .flatMap(chunk -> BatchWrites.write(db, table, chunk, limiter))
        .reduce(0.0, Double::sum)
        .subscribe(
            units -> {
              wcu.add(units);
              entries.add(journaled);
            },
            e -> {
              Throwable failure = LedgerTables.JOURNAL.refusal("BatchWriteItem", table, e);
              stored();
              batch.stored.completeExceptionally(failure);
            },
            () -> {
              // The next batch leaves before this one's writes are sent: its intents are stored
              // while these writes are in flight.
              stored();
              batch.stored.complete(null);
            });
  }

  /** One journal item being packed: its first entry (partition, table, sort key) and encoder. */
  private static final class Packing {
    final Entry first;
    final PackedEntries.Writer writer;

    Packing(Entry first) {
      this.first = first;
      this.writer = new PackedEntries.Writer(first.seq);
    }
  }

  private static List<List<WriteRequest>> chunks(List<WriteRequest> requests) {
    List<List<WriteRequest>> out = new ArrayList<>();
    for (int i = 0; i < requests.size(); i += 25) {
      out.add(requests.subList(i, Math.min(requests.size(), i + 25)));
    }
    return out;
  }
}
