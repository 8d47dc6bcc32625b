package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

  @Test
  void readUnits_ofAProvisionedOrCappedTable_isItsReadCapacity_elseNone() {
    TableDescription provisioned =
        TableDescription.builder()
            .provisionedThroughput(p -> p.readCapacityUnits(50L).writeCapacityUnits(300L))
            .build();
    assertThat(TableCapacity.readUnits(provisioned)).isEqualTo(50);
    TableDescription onDemand =
        TableDescription.builder()
            .provisionedThroughput(p -> p.readCapacityUnits(0L).writeCapacityUnits(0L))
            .build();
    assertThat(TableCapacity.readUnits(onDemand)).isZero();
    assertThat(TableCapacity.readUnits(null)).isZero();
    assertThat(
            TableCapacity.readUnits(
                onDemand.toBuilder().onDemandThroughput(o -> o.maxReadRequestUnits(900L)).build()))
        .isEqualTo(900);
  }

  @Test
  void writeUnits_ofSeveralTables_isTheirSum_orNoneWhenOneSetsNoLimit() {
    TableDescription a =
        TableDescription.builder()
            .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(300L))
            .build();
    TableDescription b =
        a.toBuilder()
            .provisionedThroughput(p -> p.readCapacityUnits(5L).writeCapacityUnits(100L))
            .build();
    TableDescription onDemand =
        TableDescription.builder()
            .provisionedThroughput(p -> p.readCapacityUnits(0L).writeCapacityUnits(0L))
            .build();
    assertThat(TableCapacity.totalWriteUnits(List.of(a, b))).isEqualTo(400);
    assertThat(TableCapacity.totalWriteUnits(List.of(a, onDemand))).isZero();
    assertThat(TableCapacity.totalWriteUnits(List.<TableDescription>of())).isZero();
  }
}
