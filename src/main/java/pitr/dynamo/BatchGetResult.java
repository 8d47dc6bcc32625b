package pitr.dynamo;

import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What {@link DynamoDbGateway#batchGetUntilDone} read, and what it could not: keys still
 * unprocessed (or whose calls kept being throttled or failing) when the retry budget ran out are
 * handed back, never dropped, so a caller can tell "not read" from "no such item".
 *
 * @param items the items found, in no particular order; a key with no item has none
 * @param consumedUnits read capacity units DynamoDB reported for the calls
 * @param unread keys not read when the retry budget ran out; empty when all were
 * @param reason why {@code unread} is not empty (the last failure's message), or null
 */
public record BatchGetResult(
    List<Map<String, AttributeValue>> items,
    double consumedUnits,
    List<Map<String, AttributeValue>> unread,
    String reason) {

  /** How {@link #reason} begins when the connection to DynamoDB was lost. */
  static final String LOST_CONNECTION = "lost the connection: ";

  public BatchGetResult {
    items = List.copyOf(items);
    unread = List.copyOf(unread);
  }

  /** True when every key was read (found or not). */
  public boolean complete() {
    return unread.isEmpty();
  }

  /**
   * The failure for the keys left unread, for callers that must not take them for absent items:
   * {@link ErrorCode#FAILED} naming {@code table}, how many keys and why, then {@code consequence}
   * (what the caller did not do for them, e.g. "nothing was changed for them") and the fix.
   */
  public PitrException unreadFailure(String table, String consequence) {
    return new PitrException(
        ErrorCode.FAILED,
        "Could not read "
            + unread.size()
            + (unread.size() == 1 ? " key" : " keys")
            + " of table "
            + table
            + " after retrying"
            + (reason == null ? "" : " (" + reason + ")")
            + "; "
            + consequence
            + (lostConnection()
                ? ". Rerun once DynamoDB can be reached again"
                : ". Rerun once the table's read capacity allows (on-demand, or a higher"
                    + " provisioned read capacity)"));
  }

  /** Whether the keys went unread because the connection to DynamoDB was lost. */
  private boolean lostConnection() {
    return reason != null && reason.startsWith(LOST_CONNECTION);
  }
}
