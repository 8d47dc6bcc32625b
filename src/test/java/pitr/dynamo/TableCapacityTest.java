package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class TableCapacityTest {
  @Test
  void writeUnits_ofAProvisionedTable_isItsProvisionedCapacity() {
    TableDescription t =
        TableDescription.builder()
            .provisionedThroughput(p -> p.readCapacityUnits(50L).writeCapacityUnits(300L))
            .build();
    assertThat(TableCapacity.writeUnits(t)).isEqualTo(300);
  }

  @Test
  void writeUnits_ofAnOnDemandTable_isItsMaximumOrNone() {
    TableDescription none =
        TableDescription.builder()
            .provisionedThroughput(p -> p.readCapacityUnits(0L).writeCapacityUnits(0L))
            .build();
    assertThat(TableCapacity.writeUnits(none)).isZero();
    assertThat(TableCapacity.writeUnits(null)).isZero();
    TableDescription max =
        none.toBuilder().onDemandThroughput(o -> o.maxWriteRequestUnits(4000L)).build();
    assertThat(TableCapacity.writeUnits(max)).isEqualTo(4000);
  }

  @Test
  void writeUnits_ofAProvisionedTableOnTheEngine_startsALimiterAtThatCapacity() {
    try (LocalTarget local = new LocalTarget()) {
      local.createProvisioned("slow", 100, 200);
      TableDescription t = local.gateway().describeTable("slow").block();
      AdaptiveRateLimiter limiter =
          AdaptiveRateLimiter.create(0, TableCapacity.writeUnits(t), local.gateway().scheduler());
      assertThat(limiter.limited()).isTrue();
      assertThat(limiter.rate()).isBetween(200.0, 210.0);
    }
  }
}
