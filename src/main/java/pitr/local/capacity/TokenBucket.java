package pitr.local.capacity;

import java.time.Clock;

/**
 * A capacity bucket as DynamoDB runs one per table and index: it refills at the provisioned rate
 * and banks unused capacity up to {@code burstSeconds} worth. A request is admitted while the
 * bucket holds at least what it costs (or is full, for requests bigger than the bucket), and may
 * leave it in debt, as DynamoDB lets a large item through and throttles what follows.
 */
public final class TokenBucket {
  private final Clock clock;
  private double rate;
  private double capacity;
  private double tokens;
  private long last;

  public TokenBucket(Clock clock, double ratePerSecond, long burstSeconds) {
    this.clock = clock;
    this.last = clock.millis();
    reconfigure(ratePerSecond, burstSeconds);
    this.tokens = capacity;
  }

  public synchronized void reconfigure(double ratePerSecond, long burstSeconds) {
    refill();
    this.rate = ratePerSecond;
    this.capacity = ratePerSecond * Math.max(1, burstSeconds);
    this.tokens = Math.min(tokens, capacity);
  }

  /** Whether a request costing {@code units} may run now. */
  public synchronized boolean admits(double units) {
    refill();
    return tokens >= Math.min(units, capacity) && tokens > 0;
  }

  public synchronized void consume(double units) {
    refill();
    tokens -= units;
  }

  public synchronized double available() {
    refill();
    return tokens;
  }

  private void refill() {
    long now = clock.millis();
    if (now > last) {
      tokens = Math.min(capacity, tokens + (now - last) * rate / 1000.0);
      last = now;
    }
  }
}
