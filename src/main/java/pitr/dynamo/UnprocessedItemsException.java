package pitr.dynamo;

/**
 * A BatchWriteItem call left items unprocessed (or a BatchGetItem call left keys). Raised by
 * writers and readers so that the unprocessed rest is resubmitted through the shared retry spec
 * like any throttle; {@link Throttling} treats it as throttling.
 */
public final class UnprocessedItemsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnprocessedItemsException(int count, String table) {
    super(count + " items of table " + table + " were left unprocessed", null, false, false);
  }
}
