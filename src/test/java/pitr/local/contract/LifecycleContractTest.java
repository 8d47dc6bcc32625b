package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashOnly;

import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsResponse;
import software.amazon.awssdk.services.dynamodb.model.Endpoint;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Table lifecycle at the engine's default timings (every change at once), deletion protection, and
 * the account operations DescribeLimits and DescribeEndpoints. The states a table passes through
 * when changes take time (CREATING, UPDATING, DELETING, a backfilling index) need the clock moved,
 * which only the embedded engine allows: they are tested in {@code pitr.local.TableLifecycleTest}.
 */
class LifecycleContractTest {

  private static java.util.function.Consumer<
          software.amazon.awssdk.services.dynamodb.model.CreateTableRequest.Builder>
      protectedTable() {
    return b -> hashOnly().andThen(t -> t.deletionProtectionEnabled(true)).accept(b);
  }

  @BackendTest
  void deleteTable_whileDeletionProtectionIsOn_isRefusedUntilItIsTurnedOff(
      Backend backend, Tables tables) {
    String name = tables.create(protectedTable());
    assertThat(
            await(backend.client().describeTable(b -> b.tableName(name)))
                .table()
                .deletionProtectionEnabled())
        .isTrue();

    assertValidationError(() -> await(backend.client().deleteTable(b -> b.tableName(name))));
    assertThat(await(backend.client().describeTable(b -> b.tableName(name))).table().tableStatus())
        .isEqualTo(TableStatus.ACTIVE);

    await(backend.client().updateTable(b -> b.tableName(name).deletionProtectionEnabled(false)));
    assertThat(
            await(backend.client().deleteTable(b -> b.tableName(name)))
                .tableDescription()
                .deletionProtectionEnabled())
        .isFalse();
  }

  @BackendTest
  @ReferenceOnly("moto words the refusal '1 validation error detected: Table ... can't be deleted'")
  void deleteTable_whileDeletionProtectionIsOn_answersDynamoDbsMessage(
      Backend backend, Tables tables) {
    String name = tables.create(protectedTable());

    assertValidationError(() -> await(backend.client().deleteTable(b -> b.tableName(name))))
        .isEqualTo(
            "Resource cannot be deleted as it is currently protected against deletion. Disable"
                + " deletion protection first.");
    await(backend.client().updateTable(b -> b.tableName(name).deletionProtectionEnabled(false)));
  }

  @BackendTest
  void createTable_withoutDeletionProtection_describesItOff(Backend backend, Tables tables) {
    String name = tables.create(hashOnly());

    assertThat(
            await(backend.client().describeTable(b -> b.tableName(name)))
                .table()
                .deletionProtectionEnabled())
        .isFalse();
  }

  @BackendTest
  @ReferenceOnly("moto reports 20,000 units per account and 10,000 per table")
  void describeLimits_answersDynamoDbsDefaultQuotas(Backend backend) {
    DescribeLimitsResponse limits = await(backend.client().describeLimits(b -> {}));

    assertThat(limits.accountMaxReadCapacityUnits()).isEqualTo(80_000);
    assertThat(limits.accountMaxWriteCapacityUnits()).isEqualTo(80_000);
    assertThat(limits.tableMaxReadCapacityUnits()).isEqualTo(40_000);
    assertThat(limits.tableMaxWriteCapacityUnits()).isEqualTo(40_000);
  }

  @BackendTest
  void describeEndpoints_answersTheRegionalEndpointCachedForADay(Backend backend) {
    Endpoint endpoint = await(backend.client().describeEndpoints(b -> {})).endpoints().get(0);

    assertThat(endpoint.address()).matches("dynamodb\\.[a-z0-9-]+\\.amazonaws\\.com");
    assertThat(endpoint.cachePeriodInMinutes()).isEqualTo(1440);
  }

  @BackendTest
  @ReferenceOnly("moto does not record when provisioned throughput last rose or fell")
  void updateTable_raisingThenLoweringThroughput_recordsWhenAndHowOften(
      Backend backend, Tables tables) {
    String name =
        tables.create(
            b ->
                hashOnly()
                    .andThen(
                        t ->
                            t.billingMode(BillingMode.PROVISIONED)
                                .provisionedThroughput(
                                    p -> p.readCapacityUnits(5L).writeCapacityUnits(5L)))
                    .accept(b));
    Instant before = Instant.now().minusSeconds(60);

    await(
        backend
            .client()
            .updateTable(
                b ->
                    b.tableName(name)
                        .provisionedThroughput(
                            p -> p.readCapacityUnits(10L).writeCapacityUnits(5L))));
    tables.awaitActive(name);
    ProvisionedThroughputDescription raised =
        await(backend.client().describeTable(b -> b.tableName(name)))
            .table()
            .provisionedThroughput();
    await(
        backend
            .client()
            .updateTable(
                b ->
                    b.tableName(name)
                        .provisionedThroughput(
                            p -> p.readCapacityUnits(10L).writeCapacityUnits(2L))));
    ProvisionedThroughputDescription lowered = tables.awaitActive(name).provisionedThroughput();

    assertThat(raised.lastIncreaseDateTime()).isAfter(before);
    assertThat(raised.lastDecreaseDateTime()).isNull();
    assertThat(raised.numberOfDecreasesToday()).isZero();
    assertThat(lowered.lastDecreaseDateTime()).isAfterOrEqualTo(raised.lastIncreaseDateTime());
    assertThat(lowered.numberOfDecreasesToday()).isEqualTo(1);
    assertThat(lowered.writeCapacityUnits()).isEqualTo(2);
  }
}
