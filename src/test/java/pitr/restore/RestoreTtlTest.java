package pitr.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** A restore reports the source's TTL as not carried over, and the new table has TTL off. */
class RestoreTtlTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-11-30T03:00:00Z"));
  private final LocalTarget local = new LocalTarget(EngineConfig.defaults().withClock(clock));

  @AfterEach
  void stop() {
    local.close();
  }

  private RestoreResult restore() {
    clock.advance(Duration.ofMinutes(1));
    return PointInTimeRestorer.create(local.gateway(), clock, "test")
        .restore(RestoreRequest.of("orders", RestorePoint.latest()).as("orders-rec"), t -> {})
        .block();
  }

  @Test
  void restore_ofATableWithTtl_reportsItNotCarriedOver_andTheNewTableHasTtlOff() {
    local.createTable("orders");
    local.enablePitr("orders");
    local
        .client
        .updateTimeToLive(
            r ->
                r.tableName("orders")
                    .timeToLiveSpecification(s -> s.enabled(true).attributeName("expires")))
        .join();

    RestoreResult result = restore();

    assertThat(result.notCarriedOver())
        .contains("TTL on attribute expires (expired items are not deleted in orders-rec)");
    assertThat(
            local
                .client
                .describeTimeToLive(r -> r.tableName("orders-rec"))
                .join()
                .timeToLiveDescription()
                .timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.DISABLED);
  }

  @Test
  void restore_ofATableWithoutTtl_reportsNoTtl() {
    local.createTable("orders");
    local.enablePitr("orders");

    RestoreResult result = restore();

    assertThat(result.notCarriedOver()).noneMatch(line -> line.startsWith("TTL"));
  }
}
