package pitr.migrate;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Mono;

/**
 * What a resumed run needs to redo the scan pages its earlier attempts left unfinished without
 * writing any item twice. A page is checkpointed only once its writes are confirmed, so a resumed
 * run reads it again; an item of it whose live image is the image the journal says an earlier
 * attempt meant to write there was written, and is skipped: not handed to the migration, not
 * written again. An item still holding its old image is handled as usual.
 *
 * <p>Every unfinished checkpoint keeps the {@link Journal#position()} from where the entries of its
 * next page are; per pass, the journal is read from the oldest of these ({@link
 * JournalReader#landed}), so the cost is the unfinished pages' entries, not the run's. A skipped
 * item whose write no commit marker covers (its attempt was killed first) is journaled again and
 * counted by this attempt ({@link Journal#adopt}), so the ledger counts it once.
 */
final class ResumeSkips {
  /** A run that is not resumed: nothing to skip. */
  static final ResumeSkips NONE = new ResumeSkips(null, null, Map.of());

  private final DynamoDbGateway db;
  private final RunRecord run;
  private final Map<String, Ledger.Checkpoint> checkpoints;
  private final LongAdder skipped = new LongAdder();

  /**
   * @param run the run resumed
   * @param checkpoints its checkpoints as the attempt started, by id ({@code table#pass#segment})
   */
  ResumeSkips(DynamoDbGateway db, RunRecord run, Map<String, Ledger.Checkpoint> checkpoints) {
    this(db, run, checkpoints, attempt -> true);
  }

  /**
   * @param attempts the journal fences (epochs) of the attempts whose writes are to be skipped: a
   *     worker of a run across workers skips its own, as its checkpoints are its own segments'
   */
  ResumeSkips(
      DynamoDbGateway db,
      RunRecord run,
      Map<String, Ledger.Checkpoint> checkpoints,
      java.util.function.LongPredicate attempts) {
    this.db = db;
    this.run = run;
    this.checkpoints = checkpoints;
    this.attempts = attempts;
  }

  private final java.util.function.LongPredicate attempts;

  /** The writes earlier attempts made in the unfinished pages of pass {@code pass} over a table. */
  Mono<LandedWrites> forPass(String table, int pass) {
    if (run == null) {
      return Mono.just(LandedWrites.NONE);
    }
    String prefix = table + "#" + pass + "#";
    String from = null;
    for (Map.Entry<String, Ledger.Checkpoint> e : checkpoints.entrySet()) {
      Ledger.Checkpoint c = e.getValue();
      if (e.getKey().startsWith(prefix)
          && !c.done()
          && c.journalFrom() != null
          && (from == null || c.journalFrom().compareTo(from) < 0)) {
        from = c.journalFrom();
      }
    }
    return from == null
        ? Mono.just(LandedWrites.NONE)
        : JournalReader.landed(db, run, table, pass, from, attempts);
  }

  /** Counts an item skipped because its write had landed. */
  void skipped() {
    skipped.increment();
  }

  /** What the operator should know, or null when nothing was skipped. */
  String note() {
    long n = skipped.sum();
    if (n == 0) {
      return null;
    }
    return "skipped "
        + n
        + (n == 1 ? " item" : " items")
        + " whose write had landed before run "
        + run.runId()
        + " was interrupted (the journal holds the image written)";
  }
}
