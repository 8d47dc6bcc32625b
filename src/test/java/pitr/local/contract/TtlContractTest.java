package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertFailsWith;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashOnly;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveResponse;

/**
 * UpdateTimeToLive and DescribeTimeToLive. Expiry itself needs the clock moved, which only the
 * embedded engine allows: it is tested engine-only in {@code pitr.local.TtlExpiryTest}.
 */
class TtlContractTest {

  private static UpdateTimeToLiveResponse update(
      DynamoDbAsyncClient client, String table, boolean enabled, String attribute) {
    return await(
        client.updateTimeToLive(
            b ->
                b.tableName(table)
                    .timeToLiveSpecification(s -> s.enabled(enabled).attributeName(attribute))));
  }

  private static TimeToLiveDescription describe(DynamoDbAsyncClient client, String table) {
    return await(client.describeTimeToLive(b -> b.tableName(table))).timeToLiveDescription();
  }

  @BackendTest
  void describeTimeToLive_ofANewTable_isDisabledWithoutAttribute(Backend backend, Tables tables) {
    String name = tables.create(hashOnly());

    TimeToLiveDescription ttl = describe(backend.client(), name);

    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.DISABLED);
    assertThat(ttl.attributeName()).isNull();
  }

  @BackendTest
  void updateTimeToLive_enabling_echoesTheSpecificationAndDescribesEnabled(
      Backend backend, Tables tables) {
    String name = tables.create(hashOnly());

    UpdateTimeToLiveResponse response = update(backend.client(), name, true, "expires");

    assertThat(response.timeToLiveSpecification())
        .isEqualTo(
            TimeToLiveSpecification.builder().enabled(true).attributeName("expires").build());
    TimeToLiveDescription ttl = describe(backend.client(), name);
    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(ttl.attributeName()).isEqualTo("expires");
  }

  @BackendTest
  @ReferenceOnly("moto answers a missing table with a bare 'Table not found' error type")
  void updateTimeToLive_ofAMissingTable_isResourceNotFound(Backend backend, Tables tables) {
    String name = tables.uniqueName();

    assertThat(
            assertFailsWith(
                    ResourceNotFoundException.class,
                    () -> update(backend.client(), name, true, "expires"))
                .awsErrorDetails()
                .errorMessage())
        .isEqualTo("Requested resource not found: Table: " + name + " not found");
    assertFailsWith(ResourceNotFoundException.class, () -> describe(backend.client(), name));
  }

  @BackendTest
  @ReferenceOnly("moto enables TTL again without complaint")
  void updateTimeToLive_enablingTwice_isRefusedAndChangesNothing(Backend backend, Tables tables) {
    String name = tables.create(hashOnly());
    update(backend.client(), name, true, "expires");

    assertValidationError(() -> update(backend.client(), name, true, "expires"))
        .isEqualTo("TimeToLive is already enabled");
    assertThat(describe(backend.client(), name).attributeName()).isEqualTo("expires");
  }

  @BackendTest
  @ReferenceOnly("moto lets TTL move to another attribute while it is on")
  void updateTimeToLive_namingAnotherAttributeWhileEnabled_isRefused(
      Backend backend, Tables tables) {
    String name = tables.create(hashOnly());
    update(backend.client(), name, true, "expires");

    assertValidationError(() -> update(backend.client(), name, true, "ttl"))
        .isEqualTo(
            "TimeToLive is active on a different AttributeName: current AttributeName is expires");
    assertValidationError(() -> update(backend.client(), name, false, "ttl"))
        .isEqualTo(
            "TimeToLive is active on a different AttributeName: current AttributeName is expires");
    assertThat(describe(backend.client(), name).attributeName()).isEqualTo("expires");
  }

  @BackendTest
  @ReferenceOnly("moto disables TTL that is already off without complaint")
  void updateTimeToLive_disablingWhenDisabled_isRefused(Backend backend, Tables tables) {
    String name = tables.create(hashOnly());

    assertValidationError(() -> update(backend.client(), name, false, "expires"))
        .isEqualTo("TimeToLive is already disabled");
    assertThat(describe(backend.client(), name).timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.DISABLED);
  }

  @BackendTest
  @ReferenceOnly("moto allows any number of TTL changes in an hour")
  void updateTimeToLive_changedAgainWithinTheHour_isRefused(Backend backend, Tables tables) {
    String name = tables.create(hashOnly());
    update(backend.client(), name, true, "expires");

    assertValidationError(() -> update(backend.client(), name, false, "expires"))
        .isEqualTo("Time to live has been modified multiple times within a fixed interval");
    assertThat(describe(backend.client(), name).timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.ENABLED);
  }

  @BackendTest
  @ReferenceOnly("moto accepts a TTL specification without an attribute name")
  void updateTimeToLive_withoutAttributeName_isAValidationError(Backend backend, Tables tables) {
    String name = tables.create(hashOnly());

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .updateTimeToLive(
                            b -> b.tableName(name).timeToLiveSpecification(s -> s.enabled(true)))))
        .isEqualTo(
            "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName'"
                + " failed to satisfy constraint: Member must not be null");
  }
}
