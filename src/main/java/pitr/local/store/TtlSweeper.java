package pitr.local.store;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.CapacityTally;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Deletes expired items, as DynamoDB's TTL process does: in every table whose TTL is ENABLED, an
 * item whose TTL attribute is a Number of epoch seconds before now (on the engine's clock) is
 * deleted through the one write path, so the deletion is kept in point-in-time history like any
 * other and consumes no write capacity. An item whose TTL attribute is absent, not a Number, or
 * more than five years in the past never expires (DynamoDB ignores such values, e.g. milliseconds
 * mistaken for seconds would be far in the future, and very old ones are taken for mistakes).
 *
 * <p>A background thread sweeps every {@code interval} once some table has TTL on; tests with an
 * adjustable clock call {@link #sweep} themselves instead.
 */
public final class TtlSweeper implements AutoCloseable {
  /** Expiry times further back than this are ignored, as DynamoDB ignores them. */
  public static final Duration OLDEST_EXPIRY = Duration.ofDays(5 * 365);

  private static final Logger log = LoggerFactory.getLogger(TtlSweeper.class);

  private final Clock clock;
  private final Catalog catalog;
  private final ItemWriter writer;
  private final Duration interval;
  private final Duration transition;
  private ScheduledExecutorService scheduler;
  private boolean closed;

  /**
   * @param interval how often the background sweep runs; zero for never (the caller sweeps)
   * @param transition how long a TTL change stays ENABLING or DISABLING
   */
  public TtlSweeper(
      Clock clock, Catalog catalog, ItemWriter writer, Duration interval, Duration transition) {
    this.clock = clock;
    this.catalog = catalog;
    this.writer = writer;
    this.interval = interval;
    this.transition = transition;
  }

  /** The TTL status of {@code t} at {@code now} (epoch ms), given how long changes take. */
  public static TimeToLiveStatus status(Table t, long now, Duration transition) {
    boolean settling = t.ttlChangedAt != 0 && now < t.ttlChangedAt + transition.toMillis();
    if (t.ttlEnabled) {
      return settling ? TimeToLiveStatus.ENABLING : TimeToLiveStatus.ENABLED;
    }
    return settling && t.ttlAttribute != null
        ? TimeToLiveStatus.DISABLING
        : TimeToLiveStatus.DISABLED;
  }

  /**
   * Whether {@code value}, a TTL attribute, has expired at {@code now} (epoch ms): a Number of
   * epoch seconds before now and not more than five years before it.
   */
  public static boolean expired(AttributeValue value, long now) {
    if (value == null || value.n() == null) {
      return false;
    }
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(value.n());
    } catch (NumberFormatException e) {
      return false;
    }
    BigDecimal nowSeconds = BigDecimal.valueOf(now).movePointLeft(3);
    BigDecimal oldest = nowSeconds.subtract(BigDecimal.valueOf(OLDEST_EXPIRY.toSeconds()));
    return seconds.compareTo(nowSeconds) < 0 && seconds.compareTo(oldest) >= 0;
  }

  /** Starts the background sweep, once; does nothing when the interval is zero. */
  public synchronized void start() {
    if (scheduler != null || closed || interval.isZero() || interval.isNegative()) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pitr-local-ttl-sweep");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("event=ttl_sweep_failed error={}", e.toString());
    }
  }

  /**
   * Deletes every item expired now in the tables whose TTL is ENABLED.
   *
   * @return how many items were deleted
   */
  public long sweep() {
    long now = clock.millis();
    long deleted = 0;
    for (Table t : catalog.tables().values()) {
      if (t.ttlAttribute == null || status(t, now, transition) != TimeToLiveStatus.ENABLED) {
        continue;
      }
      String attribute = t.ttlAttribute;
      List<StoreKey> candidates = new ArrayList<>();
      for (Map.Entry<StoreKey, Version> e : t.items.entrySet()) {
        Map<String, AttributeValue> image = e.getValue().image();
        if (image != null && expired(image.get(attribute), now)) {
          candidates.add(e.getKey());
        }
      }
      if (!candidates.isEmpty()) {
        deleted += delete(t, attribute, candidates);
      }
    }
    return deleted;
  }

  private long delete(Table t, String attribute, List<StoreKey> keys) {
    long deleted = 0;
    writer.lock();
    try {
      if (catalog.tables().get(t.name) != t || !attribute.equals(t.ttlAttribute)) {
        return 0;
      }
      long now = clock.millis();
      CapacityTally unbilled = CapacityTally.writes();
      for (StoreKey key : keys) {
        Version current = t.items.get(key);
        Map<String, AttributeValue> image = current == null ? null : current.image();
        // Written again since it was found: delete only if it is still expired.
        if (image != null && expired(image.get(attribute), now)) {
          writer.write(t, key, current, null, unbilled);
          deleted++;
        }
      }
    } finally {
      writer.unlock();
    }
    return deleted;
  }

  /** Stops the background sweep, if it runs. */
  @Override
  public synchronized void close() {
    closed = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
