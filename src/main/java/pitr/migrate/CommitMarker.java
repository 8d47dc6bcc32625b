package pitr.migrate;

import static pitr.migrate.Attrs.n;
import static pitr.migrate.Attrs.s;

import java.time.Clock;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Retries;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The commit marker of one attempt of a run: which of its journal entries are resolved (the write
 * landed, was corrected or was withdrawn), and what the attempt did up to then: items read, writes
 * confirmed and their write capacity. Confirmation is lazy: an acknowledged write only marks its
 * number resolved in memory, and one small write of the marker, at the end of every scan page and
 * of the run, makes every resolution since durable at once.
 *
 * <p>A write is counted in the same step that resolves it, so a marker counts exactly the writes it
 * covers: the run's ledger counts, the sum over its attempts' markers, are the writes the journal
 * shows confirmed. A write an attempt confirmed after its last marker (it was killed) is counted by
 * the attempt that finds it landed on resume (see {@link ResumeSkips}).
 */
final class CommitMarker {
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

  /**
   * What one or more attempts did, as their markers record it.
   *
   * @param read items read by scans and queries
   * @param written writes confirmed (a key written twice counts twice)
   * @param wcu write capacity those writes consumed
   */
  record Counts(long read, long written, double wcu) {
    static final Counts ZERO = new Counts(0, 0, 0);

    Counts plus(Counts o) {
      return new Counts(read + o.read, written + o.written, wcu + o.wcu);
    }
  }

  private final DynamoDbGateway db;
  private final String table;
  private final String runId;
  private final String fenceText;
  private final Clock clock;
  private final LongSupplier reads;
  private final DoubleConsumer consumed;

  // Every number up to watermark is resolved; above it, the set bits of resolved (bit i is number
  // base + i). Guarded by this.
  private long watermark;
  private long base = 1;
  private BitSet resolved = new BitSet();
  private long resolvedCount;
  private long written;
  private double writtenWcu;
  private long versions;
  private long committedResolved;
  private long committedVersion = -1;
  private Counts committed = Counts.ZERO;
  private final AtomicReference<Mono<Void>> storing = new AtomicReference<>();

  /**
   * @param reads items the attempt read so far
   * @param consumed told the write capacity every marker consumed
   */
  CommitMarker(
      DynamoDbGateway db,
      String table,
      String runId,
      long fence,
      Clock clock,
      LongSupplier reads,
      DoubleConsumer consumed) {
    this.db = db;
    this.table = table;
    this.runId = runId;
    this.fenceText = JournalLayout.fence(fence);
    this.clock = clock;
    this.reads = reads;
    this.consumed = consumed;
  }

  /** Stores the marker with nothing resolved: proves the journal writable before any data write. */
  Mono<Void> open() {
    return store(0, Mark.NONE, Counts.ZERO);
  }

  /** Entries that did not write anything (withdrawals, and the intents they withdraw). */
  synchronized void resolve(long... seqs) {
    for (long seq : seqs) {
      mark(seq);
    }
  }

  /** Entries of one write that landed, with the capacity it consumed: resolved and counted. */
  synchronized void landed(double units, long... seqs) {
    for (long seq : seqs) {
      mark(seq);
    }
    written++;
    writtenWcu += units;
  }

  private void mark(long seq) {
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

  /** The mark of everything resolved now; call holding the lock. */
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

  /** What the last marker stored records of this attempt. */
  synchronized Counts committed() {
    return committed;
  }

  /**
   * Stores the marker if intents were resolved or items read since the last one: every write
   * acknowledged so far then reads as confirmed. One small write, called at the end of every scan
   * page (before its checkpoint) and of the run; markers are stored one at a time, a caller finding
   * one in flight waits for it and then stores its own if there is anything new.
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
          Counts counts;
          synchronized (this) {
            long read = reads.getAsLong();
            if (resolvedCount == committedResolved && read == committed.read()) {
              return Mono.empty();
            }
            count = resolvedCount;
            version = ++versions;
            mark = mark();
            counts = new Counts(read, written, writtenWcu);
          }
          AtomicReference<Mono<Void>> self = new AtomicReference<>();
          // Cleared before subscribers hear of the outcome, so a waiting commit() sees it done.
          Mono<Void> store =
              store(version, mark, counts)
                  .doOnSuccess(
                      v -> {
                        synchronized (this) {
                          committedResolved = Math.max(committedResolved, count);
                          if (version > committedVersion) {
                            committedVersion = version;
                            committed = counts;
                          }
                        }
                        storing.compareAndSet(self.get(), null);
                      })
                  .doOnError(e -> storing.compareAndSet(self.get(), null))
                  .cache();
          self.set(store);
          return storing.compareAndSet(null, store) ? store : commit();
        });
  }

  private Mono<Void> store(long version, Mark mark, Counts counts) {
    return db.updateItem(
            UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of("pk", s(JournalLayout.commitPartition(runId)), "sk", s(fenceText)))
                .updateExpression(
                    "SET #upTo = :upTo, #ranges = :ranges, #v = :v, #at = :now, #read = :read,"
                        + " #written = :written, #wcu = :wcu")
                .conditionExpression("attribute_not_exists(#v) OR #v < :v")
                .expressionAttributeNames(
                    Map.of(
                        "#upTo", "upTo",
                        "#ranges", "ranges",
                        "#v", "version",
                        "#at", "at",
                        "#read", "read",
                        "#written", "written",
                        "#wcu", "wcu"))
                .expressionAttributeValues(
                    Map.of(
                        ":upTo", n(mark.upTo()),
                        ":ranges", s(mark.ranges()),
                        ":v", n(version),
                        ":now", n(clock.millis()),
                        ":read", n(counts.read()),
                        ":written", n(counts.written()),
                        ":wcu", n(Math.round(counts.wcu() * 10) / 10.0)))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .build(),
            Retries.SHARED)
        .doOnNext(
            r -> {
              if (r.consumedCapacity() != null && r.consumedCapacity().capacityUnits() != null) {
                consumed.accept(r.consumedCapacity().capacityUnits());
              }
            })
        .then()
        // A later marker of this attempt got there first.
        .onErrorResume(ConditionalCheckFailedException.class, e -> Mono.empty());
  }
}
