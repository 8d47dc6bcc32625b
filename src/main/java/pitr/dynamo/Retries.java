package pitr.dynamo;

/** How {@link DynamoDbGateway} retries a single-item write. */
public enum Retries {
  /**
   * Retried with the shared {@link Throttling} spec on throttling and server errors. A retry after
   * a lost answer repeats a write that may already have landed: make it idempotent (a put, a SET of
   * fixed values) or conditional.
   */
  SHARED,

  /**
   * One call, not retried, not even by the SDK client: throttling and server errors come back
   * unchanged for a caller that owns its retries and rate limit; the caller's problems are mapped
   * to a {@code PitrException} as everywhere else.
   */
  NONE
}
