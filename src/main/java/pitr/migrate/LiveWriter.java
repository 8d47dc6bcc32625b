package pitr.migrate;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.migrate.api.WriteOutcome;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Sends the live writes of one table: intent in the journal, rate budget, DynamoDB, tally,
 * confirmation (see {@link Journal}).
 *
 * <p>Once sent, a write is seen through even if the migration stops waiting for it (one of its
 * other items failed, or the run lost its lock): its answer is awaited, confirmed and counted (see
 * {@link InFlightWrites}). A write cancelled before it was sent is withdrawn from the journal, so a
 * failed run's journal holds exactly the writes that landed, plus those whose outcome is unknown.
 */
final class LiveWriter {
  private static final int WAITING = 0;
  private static final int SENT = 1;
  private static final int CANCELLED = 2;

  /**
   * The item a {@code forEachItem} pass handed the migration, in the Reactor context of the action
   * it runs for that item: a write to this very item is journaled with the pass, so a resumed run
   * can tell it was written (see {@link ResumeSkips}).
   */
  record ScanItem(String table, int pass, Map<String, AttributeValue> key) {}

  /** What DynamoDB answered to a write: the image after it (when asked for) and the capacity. */
  record Written(Map<String, AttributeValue> image, ConsumedCapacity capacity) {}

  /**
   * One live write.
   *
   * @param expected the image the write will produce; null when deleting or not known beforehand
   * @param applied what the write makes of the item as it is (null: absent), to tell whether a
   *     write that failed its condition had landed already (a retry after a lost answer)
   * @param write the call, sent on subscription
   */
  record Planned(
      WriteOp op,
      Map<String, AttributeValue> key,
      long estimatedUnits,
      Map<String, AttributeValue> expected,
      UnaryOperator<Map<String, AttributeValue>> applied,
      Mono<Written> write) {}

  private final String table;
  private final Journal journal;
  private final AdaptiveRateLimiter limiter;
  private final TableTally tally;
  private final InFlightWrites inFlight;

  /**
   * @param journal null to write without journaling (benchmarks)
   */
  LiveWriter(
      String table,
      Journal journal,
      AdaptiveRateLimiter limiter,
      TableTally tally,
      InFlightWrites inFlight) {
    this.table = table;
    this.journal = journal;
    this.limiter = limiter;
    this.tally = tally;
    this.inFlight = inFlight;
  }

  Mono<WriteOutcome> write(Planned w) {
    if (journal == null) {
      return limiter
          .acquire(w.estimatedUnits())
          .then(w.write())
          .doOnNext(written -> settle(w, written))
          .thenReturn(WriteOutcome.WRITTEN)
          .onErrorResume(
              ConditionalCheckFailedException.class,
              e -> {
                tally.conditionFailed();
                return Mono.just(WriteOutcome.CONDITION_FAILED);
              });
    }
    return Mono.deferContextual(
        context -> {
          Integer pass =
              context
                  .<ScanItem>getOrEmpty(ScanItem.class)
                  .filter(i -> i.table().equals(table) && i.key().equals(w.key()))
                  .map(ScanItem::pass)
                  .orElse(null);
          String hash =
              w.op() == WriteOp.DELETE
                  ? ItemHash.DELETED
                  : w.expected() == null ? ItemHash.UNKNOWN : ItemHash.of(w.expected());
          Journal.Intent intent = journal.intend(table, w.key(), w.op(), hash, pass);
          AtomicInteger state = new AtomicInteger(WAITING);
          // Tracked from now on: a run that fails while this write is being sent still waits for
          // its answer before its last commit marker.
          CompletableFuture<Void> done = inFlight.track();
          return intent
              .stored()
              .then(limiter.acquire(w.estimatedUnits()))
              .then(
                  Mono.defer(
                      () ->
                          state.compareAndSet(WAITING, SENT)
                              ? InFlightWrites.detach(send(intent, w), done)
                              : Mono.<WriteOutcome>empty()))
              .doOnError(
                  e -> {
                    if (state.get() == WAITING) {
                      done.complete(null);
                    }
                  })
              .doOnCancel(
                  () -> {
                    if (state.compareAndSet(WAITING, CANCELLED)) {
                      InFlightWrites.detach(journal.withdraw(intent), done);
                    }
                  });
          // Any other failure leaves the intent unresolved: the write may or may not have landed.
        });
  }

  private double settle(Planned w, Written written) {
    double units =
        written.capacity() != null && written.capacity().capacityUnits() != null
            ? written.capacity().capacityUnits()
            : w.estimatedUnits();
    limiter.settle(w.estimatedUnits(), units);
    tally.written(w.op(), units);
    return units;
  }

  private Mono<WriteOutcome> send(Journal.Intent intent, Planned w) {
    return w.write()
        .flatMap(written -> confirm(intent, w, written, settle(w, written)))
        .onErrorResume(
            ConditionalCheckFailedException.class,
            e -> {
              tally.conditionFailed();
              return settleFailedCondition(intent, w, e).thenReturn(WriteOutcome.CONDITION_FAILED);
            });
  }

  private Mono<WriteOutcome> confirm(
      Journal.Intent intent, Planned w, Written written, double units) {
    if (w.op() == WriteOp.DELETE
        || w.op() == WriteOp.PUT
        || (w.expected() != null && w.expected().equals(written.image()))) {
      journal.confirmed(intent, units);
      return Mono.just(WriteOutcome.WRITTEN);
    }
    String actual = written.image() == null ? ItemHash.DELETED : ItemHash.of(written.image());
    if (actual.equals(intent.imageHash())) {
      journal.confirmed(intent, units);
      return Mono.just(WriteOutcome.WRITTEN);
    }
    return journal.confirm(intent, actual, units).thenReturn(WriteOutcome.WRITTEN);
  }

  /**
   * A write whose condition failed did not change the item, unless an earlier try of the same write
   * had landed and lost its answer: then the item already is what the write makes of it. In that
   * case the intent stays (with the image found) and counts as a write; otherwise it is withdrawn.
   */
  private Mono<Void> settleFailedCondition(
      Journal.Intent intent, Planned w, ConditionalCheckFailedException e) {
    Map<String, AttributeValue> current = e.hasItem() && !e.item().isEmpty() ? e.item() : null;
    Map<String, AttributeValue> wouldBe = w.applied().apply(current);
    String now = current == null ? ItemHash.DELETED : ItemHash.of(current);
    String after = wouldBe == null ? ItemHash.DELETED : ItemHash.of(wouldBe);
    boolean landed = w.op() == WriteOp.UPDATE && current == null ? false : now.equals(after);
    if (!landed) {
      return journal.withdraw(intent);
    }
    if (now.equals(intent.imageHash())) {
      journal.confirmed(intent, w.estimatedUnits());
      return Mono.empty();
    }
    return journal.confirm(intent, now, w.estimatedUnits());
  }
}
