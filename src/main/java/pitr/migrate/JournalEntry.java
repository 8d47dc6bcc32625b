package pitr.migrate;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item a run wrote, or was about to write, as the journal keeps it. A key written twice in one
 * run reads as one entry, holding the last write.
 *
 * @param runId the run
 * @param table the table written
 * @param key the item's key attributes
 * @param op the last write to the key
 * @param imageHash {@link ItemHash#of} the image written (or about to be), {@link
 *     ItemHash#DELETED}, or {@link ItemHash#UNKNOWN} for an update whose result was not known
 *     beforehand and never confirmed; a live item with another hash changed after the run
 * @param writtenAt when the write was journaled (just before it was sent)
 * @param fence the run's fencing token at the time (which attempt of the run wrote it)
 * @param state whether the run saw the write land
 */
public record JournalEntry(
    String runId,
    String table,
    Map<String, AttributeValue> key,
    WriteOp op,
    String imageHash,
    Instant writtenAt,
    long fence,
    State state) {

  /** Whether a journaled write is known to have landed. */
  public enum State {
    /**
     * Journaled before the write, which the run never confirmed: it stopped (was killed, lost its
     * connection, failed) in between. The live item holds the intended image (the write landed:
     * roll it back like a confirmed one) or an older one (it did not: there is nothing of this run
     * to undo, and a rollback reports the item if it differs from the restore point). Treat it as a
     * rollback candidate; never assume either.
     */
    INTENDED,
    /**
     * The run saw the write land with this image (or, retrying a write whose answer was lost, found
     * the item already holding it). A rollback restores the item if it still holds it.
     */
    CONFIRMED
  }

  /** A confirmed entry, as journals before write-ahead journaling held only confirmed writes. */
  public JournalEntry(
      String runId,
      String table,
      Map<String, AttributeValue> key,
      WriteOp op,
      String imageHash,
      Instant writtenAt,
      long fence) {
    this(runId, table, key, op, imageHash, writtenAt, fence, State.CONFIRMED);
  }
}
