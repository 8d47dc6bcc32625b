package pitr.metrics;

/**
 * Every meter pitr records, with its Micrometer name and unit. Prometheus shows the names with dots
 * as underscores ({@code pitr_items_written_total}); CloudWatch uses them as metric names.
 */
public enum Meter {
  /** Items read from the source (counter). Flat while the scan waits on the read rate limit. */
  ITEMS_READ("pitr.items.read", "items"),
  /** Items written to the target (counter). The copy's progress. */
  ITEMS_WRITTEN("pitr.items.written", "items"),
  /** Items deleted from the target by {@code --delete-extra} (counter). */
  ITEMS_DELETED("pitr.items.deleted", "items"),
  /** Items that failed after the retry budget and went to the failure file (counter). */
  ITEMS_FAILED("pitr.items.failed", "items"),
  /** Write capacity units the target reported as consumed (counter). */
  WCU_CONSUMED("pitr.wcu.consumed", "units"),
  /** Read capacity units the source reported as consumed (counter). */
  RCU_CONSUMED("pitr.rcu.consumed", "units"),
  /** Requests DynamoDB throttled (counter). Rising: the rate limiter is backing off. */
  THROTTLED_REQUESTS("pitr.requests.throttled", "requests"),
  /** Requests retried after throttling, a server error or a dropped connection (counter). */
  RETRIES("pitr.requests.retried", "requests"),
  /** Items DynamoDB returned as UnprocessedItems; they are resubmitted (counter). */
  UNPROCESSED_ITEMS("pitr.items.unprocessed", "items"),
  /** Time of one BatchWriteItem call, retries included (timer). */
  BATCH_LATENCY("pitr.batch.latency", "seconds"),
  /** The write rate limit now, in WCU per second (gauge); 0 when unlimited. */
  RATE_LIMIT("pitr.rate.limit", "units/s");

  private final String id;
  private final String unit;

  Meter(String id, String unit) {
    this.id = id;
    this.unit = unit;
  }

  /** The Micrometer meter name. */
  public String id() {
    return id;
  }

  /** The base unit. */
  public String unit() {
    return unit;
  }
}
