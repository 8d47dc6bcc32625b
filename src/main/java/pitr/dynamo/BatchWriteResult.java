package pitr.dynamo;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * What {@link DynamoDbGateway#batchWriteUntilDone} wrote, and what it could not: requests still
 * unprocessed (or whose calls kept being throttled or failing) when the retry budget ran out are
 * handed back, never dropped, for the caller to report, record or resubmit.
 *
 * @param written requests DynamoDB took
 * @param consumedUnits write capacity units DynamoDB reported for the calls
 * @param unwritten requests not written when the retry budget ran out; empty when all were
 * @param failure why {@code unwritten} is not empty (the last failure), or null
 */
public record BatchWriteResult(
    int written, double consumedUnits, List<WriteRequest> unwritten, Throwable failure) {

  public BatchWriteResult {
    unwritten = List.copyOf(unwritten);
  }

  /** The last failure's message when {@code unwritten} is not empty, else null. */
  public String reason() {
    if (failure == null) {
      return null;
    }
    String m = DynamoDbGateway.message(failure);
    return m == null ? failure.getClass().getSimpleName() : m;
  }

  /** True when every request was written. */
  public boolean complete() {
    return unwritten.isEmpty();
  }
}
