package pitr.local.ops;

import java.time.Duration;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.Table;
import pitr.local.capacity.Throughput;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import pitr.local.store.TtlSweeper;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveResponse;

/**
 * The time-to-live operations, UpdateTimeToLive and DescribeTimeToLive, with DynamoDB's rules: TTL
 * is turned on for one attribute at a time, turning it on or off twice is refused, so is naming
 * another attribute while it is on, and so is any change within an hour of the last one, or to a
 * table that is not ACTIVE. The expired items themselves are deleted by {@link TtlSweeper}.
 */
public final class TtlOps extends OperationFamily {
  /** After a change, further changes are refused for this long (DynamoDB: one hour). */
  public static final Duration CHANGE_INTERVAL = Duration.ofHours(1);

  private final TableOps tables;

  /** The TTL operations; {@code tables} knows which tables are not ACTIVE. */
  public TtlOps(
      EngineConfig config,
      Catalog catalog,
      ItemWriter writer,
      Throughput throughput,
      TableOps tables) {
    super(config, catalog, writer, throughput);
    this.tables = tables;
  }

  /** UpdateTimeToLive; returns the specification it accepted. */
  public UpdateTimeToLiveResponse updateTimeToLive(UpdateTimeToLiveRequest r) {
    return Requests.guard(
        () -> {
          TimeToLiveSpecification spec = r.timeToLiveSpecification();
          writer.lock();
          try {
            long now = clock.millis();
            Table t = tables.changeable(r.tableName(), now);
            TimeToLiveStatus status = status(t, now);
            boolean on = status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
            String attribute = spec.attributeName();
            if (spec.enabled() && on && attribute.equals(t.ttlAttribute)) {
              throw Errors.validation("TimeToLive is already enabled");
            }
            if (!spec.enabled() && !on) {
              throw Errors.validation("TimeToLive is already disabled");
            }
            if (on && !attribute.equals(t.ttlAttribute)) {
              throw Errors.validation(
                  "TimeToLive is active on a different AttributeName: current AttributeName is "
                      + t.ttlAttribute);
            }
            if (t.ttlChangedAt != 0 && now < t.ttlChangedAt + CHANGE_INTERVAL.toMillis()) {
              throw Errors.validation(
                  "Time to live has been modified multiple times within a fixed interval");
            }
            t.ttlAttribute = attribute;
            t.ttlEnabled = spec.enabled();
            t.ttlChangedAt = now;
            writer.persistTable(t);
            return UpdateTimeToLiveResponse.builder()
                .timeToLiveSpecification(
                    TimeToLiveSpecification.builder()
                        .attributeName(attribute)
                        .enabled(spec.enabled())
                        .build())
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** DescribeTimeToLive: the status, and the attribute unless TTL is DISABLED. */
  public DescribeTimeToLiveResponse describeTimeToLive(DescribeTimeToLiveRequest r) {
    return Requests.guard(
        () -> {
          Table t = table(r.tableName());
          TimeToLiveStatus status = status(t, clock.millis());
          return DescribeTimeToLiveResponse.builder()
              .timeToLiveDescription(
                  TimeToLiveDescription.builder()
                      .timeToLiveStatus(status)
                      .attributeName(status == TimeToLiveStatus.DISABLED ? null : t.ttlAttribute)
                      .build())
              .build();
        });
  }

  private TimeToLiveStatus status(Table t, long now) {
    return TtlSweeper.status(t, now, config.lifecycle().ttlTransition());
  }

  private Table table(String name) {
    Table t = catalog.find(name);
    if (t == null) {
      throw Errors.tableNotFound(name);
    }
    return t;
  }
}
