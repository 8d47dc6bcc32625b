package pitr.migrate;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item a run wrote, as the journal keeps it. A key written twice in one run has one entry,
 * holding the last write.
 *
 * @param runId the run
 * @param table the table written
 * @param key the item's key attributes
 * @param op the last write to the key
 * @param imageHash {@link ItemHash#of} the image written, or {@link ItemHash#DELETED}; a live item
 *     with another hash changed after the run
 * @param writtenAt when the write was acknowledged
 * @param fence the run's fencing token at the time
 */
public record JournalEntry(
    String runId,
    String table,
    Map<String, AttributeValue> key,
    WriteOp op,
    String imageHash,
    Instant writtenAt,
    long fence) {}
