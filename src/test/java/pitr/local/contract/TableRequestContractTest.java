package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.attribute;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.key;

import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Invalid table requests DynamoDB refuses: index definitions CreateTable must not accept,
 * UpdateTable requests that change nothing or ask too much, and ListTables start names out of
 * range. A refused CreateTable creates no table.
 */
class TableRequestContractTest {

  private static ProvisionedThroughput throughput(long read, long write) {
    return ProvisionedThroughput.builder()
        .readCapacityUnits(read)
        .writeCapacityUnits(write)
        .build();
  }

  /**
   * An on-demand table keyed by {@code pk}/{@code sk} with the one GSI {@code gsi} on {@code g}.
   */
  private static Consumer<CreateTableRequest.Builder> withGsi(
      Consumer<GlobalSecondaryIndex.Builder> gsi) {
    GlobalSecondaryIndex.Builder index =
        GlobalSecondaryIndex.builder()
            .indexName("gsi")
            .keySchema(key("g", KeyType.HASH))
            .projection(p -> p.projectionType("ALL"));
    gsi.accept(index);
    return b ->
        b.attributeDefinitions(
                attribute("pk", ScalarAttributeType.S),
                attribute("sk", ScalarAttributeType.S),
                attribute("g", ScalarAttributeType.S))
            .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .globalSecondaryIndexes(index.build());
  }

  /** Asserts that CreateTable fails with {@code message} and that no table was created. */
  private static void assertRefused(
      Backend backend, Tables tables, Consumer<CreateTableRequest.Builder> spec, String message) {
    DynamoDbAsyncClient client = backend.client();
    String name = tables.uniqueName();
    CreateTableRequest.Builder request = CreateTableRequest.builder();
    spec.accept(request);

    assertValidationError(() -> await(client.createTable(request.tableName(name).build())))
        .isEqualTo(message);
    Ddb.assertFailsWith(
        ResourceNotFoundException.class, () -> await(client.describeTable(b -> b.tableName(name))));
  }

  @BackendTest
  @ReferenceOnly("moto accepts an unknown ProjectionType")
  void createTable_withUnknownProjectionType_throwsValidation(Backend backend, Tables tables) {
    assertRefused(
        backend,
        tables,
        withGsi(g -> g.projection(p -> p.projectionType("abc"))),
        "1 validation error detected: Value 'abc' at"
            + " 'globalSecondaryIndexes.1.member.projection.projectionType' failed to satisfy"
            + " constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
  }

  @BackendTest
  @ReferenceOnly("moto accepts NonKeyAttributes that are empty or beside ALL and KEYS_ONLY")
  void createTable_withMisplacedNonKeyAttributes_throwsValidation(Backend backend, Tables tables) {
    assertRefused(
        backend,
        tables,
        withGsi(g -> g.projection(p -> p.projectionType("INCLUDE").nonKeyAttributes(List.of()))),
        "1 validation error detected: Value '[]' at"
            + " 'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy"
            + " constraint: Member must have length greater than or equal to 1");
    assertRefused(
        backend,
        tables,
        withGsi(g -> g.projection(p -> p.projectionType("ALL").nonKeyAttributes("x"))),
        "One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is"
            + " specified");
    assertRefused(
        backend,
        tables,
        withGsi(g -> g.projection(p -> p.projectionType("KEYS_ONLY").nonKeyAttributes("x"))),
        "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but"
            + " NonKeyAttributes is specified");
    assertRefused(
        backend,
        tables,
        withGsi(g -> g.projection(Projection.builder().projectionType("INCLUDE").build())),
        "One or more parameter values were invalid: ProjectionType is INCLUDE, but"
            + " NonKeyAttributes is not specified");
  }

  @BackendTest
  @ReferenceOnly("moto accepts ProvisionedThroughput on a GSI of an on-demand table")
  void createTable_onDemand_withIndexThroughput_throwsValidation(Backend backend, Tables tables) {
    assertRefused(
        backend,
        tables,
        withGsi(g -> g.provisionedThroughput(throughput(1, 1))),
        "One or more parameter values were invalid: ProvisionedThroughput should not be specified"
            + " for index: gsi when BillingMode is PAY_PER_REQUEST");
  }

  @BackendTest
  @ReferenceOnly("moto accepts index names shorter than 3 characters")
  void createTable_withShortIndexName_throwsValidation(Backend backend, Tables tables) {
    assertRefused(
        backend,
        tables,
        withGsi(g -> g.indexName("ab")),
        "1 validation error detected: Value 'ab' at 'globalSecondaryIndexes.1.member.indexName'"
            + " failed to satisfy constraint: Member must have length greater than or equal to 3");
    Consumer<CreateTableRequest.Builder> shortLsi =
        withGsi(g -> {})
            .andThen(
                b ->
                    b.localSecondaryIndexes(
                        LocalSecondaryIndex.builder()
                            .indexName("l")
                            .keySchema(key("pk", KeyType.HASH), key("g", KeyType.RANGE))
                            .projection(p -> p.projectionType("KEYS_ONLY"))
                            .build()));
    assertRefused(
        backend,
        tables,
        shortLsi,
        "1 validation error detected: Value 'l' at 'localSecondaryIndexes.1.member.indexName'"
            + " failed to satisfy constraint: Member must have length greater than or equal to 3");
  }

  private static String provisionedTable(Tables tables) {
    return tables.create(
        b ->
            b.attributeDefinitions(attribute("pk", ScalarAttributeType.S))
                .keySchema(key("pk", KeyType.HASH))
                .billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(throughput(5, 6)));
  }

  @BackendTest
  @ReferenceOnly("moto accepts any throughput and an unchanged one")
  void updateTable_withThroughputAboveMaximumOrUnchanged_throwsValidation(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = provisionedTable(tables);

    assertValidationError(
            () ->
                await(
                    client.updateTable(
                        b ->
                            b.tableName(table)
                                .provisionedThroughput(throughput(1_000_000_000_001L, 7)))))
        .isEqualTo("Given value 1000000000001 for ReadCapacityUnits is out of bounds");
    assertValidationError(
            () ->
                await(
                    client.updateTable(
                        b ->
                            b.tableName(table)
                                .provisionedThroughput(throughput(7, 1_000_000_000_001L)))))
        .isEqualTo("Given value 1000000000001 for WriteCapacityUnits is out of bounds");
    assertValidationError(
            () ->
                await(
                    client.updateTable(
                        b -> b.tableName(table).provisionedThroughput(throughput(5, 6)))))
        .isEqualTo(
            "The provisioned throughput for the table will not change. The requested value equals"
                + " the current value. Current ReadCapacityUnits provisioned for the table: 5."
                + " Requested ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the"
                + " table: 6. Requested WriteCapacityUnits: 6. Refer to the Amazon DynamoDB"
                + " Developer Guide for current limits and how to request higher limits.");
  }

  @BackendTest
  @ReferenceOnly("moto accepts empty GlobalSecondaryIndexUpdates and empty entries")
  void updateTable_withEmptyIndexUpdates_throwsValidation(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = provisionedTable(tables);

    assertValidationError(
            () ->
                await(
                    client.updateTable(
                        b -> b.tableName(table).globalSecondaryIndexUpdates(List.of()))))
        .isEqualTo(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled,"
                + " GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates,"
                + " MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency,"
                + " DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is"
                + " required");
    assertValidationError(
            () ->
                await(
                    client.updateTable(
                        b ->
                            b.tableName(table)
                                .globalSecondaryIndexUpdates(
                                    GlobalSecondaryIndexUpdate.builder().build()))))
        .isEqualTo(
            "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update,"
                + " GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not"
                + " be null");
  }

  /**
   * UpdateTable's creation of the GSI {@code name} on {@code g}, with {@code throughput} if any.
   */
  private static GlobalSecondaryIndexUpdate createGsi(
      String name, ProvisionedThroughput throughput) {
    return GlobalSecondaryIndexUpdate.builder()
        .create(
            c ->
                c.indexName(name)
                    .keySchema(key("g", KeyType.HASH))
                    .projection(p -> p.projectionType("ALL"))
                    .provisionedThroughput(throughput))
        .build();
  }

  private static void createIndex(
      DynamoDbAsyncClient client, String table, GlobalSecondaryIndexUpdate create) {
    await(
        client.updateTable(
            b ->
                b.tableName(table)
                    .attributeDefinitions(attribute("g", ScalarAttributeType.S))
                    .globalSecondaryIndexUpdates(create)));
  }

  @BackendTest
  @ReferenceOnly(
      "moto takes index throughput on an on-demand table, creates an index without it on a"
          + " provisioned one, and fails with HTTP 500 on an index that exists")
  void updateTable_creatingGsi_checksItsThroughputAndName(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String onDemand =
        tables.create(
            b ->
                b.attributeDefinitions(attribute("pk", ScalarAttributeType.S))
                    .keySchema(key("pk", KeyType.HASH))
                    .billingMode(BillingMode.PAY_PER_REQUEST));
    String provisioned = provisionedTable(tables);

    assertValidationError(() -> createIndex(client, onDemand, createGsi("gix", throughput(1, 1))))
        .isEqualTo(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor"
                + " WriteCapacityUnits can be specified for index: gix when BillingMode is"
                + " PAY_PER_REQUEST");
    assertValidationError(() -> createIndex(client, provisioned, createGsi("gix", null)))
        .isEqualTo(
            "One or more parameter values were invalid: ProvisionedThroughput must be specified"
                + " for index: gix");
    createIndex(client, onDemand, createGsi("gix", null));
    tables.awaitActive(onDemand);
    assertValidationError(() -> createIndex(client, onDemand, createGsi("gix", null)))
        .isEqualTo("Attempting to create an index which already exists");
  }

  @BackendTest
  @ReferenceOnly("moto switches the billing mode before it refuses the index")
  void updateTable_refusedPartWay_changesNothing(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table =
        tables.create(
            b ->
                b.attributeDefinitions(attribute("pk", ScalarAttributeType.S))
                    .keySchema(key("pk", KeyType.HASH))
                    .billingMode(BillingMode.PAY_PER_REQUEST));

    // The switch to PROVISIONED is valid; the index (no throughput on a provisioned table) is not.
    assertValidationError(
            () ->
                await(
                    client.updateTable(
                        b ->
                            b.tableName(table)
                                .billingMode(BillingMode.PROVISIONED)
                                .provisionedThroughput(throughput(5, 5))
                                .deletionProtectionEnabled(true)
                                .attributeDefinitions(attribute("g", ScalarAttributeType.S))
                                .globalSecondaryIndexUpdates(createGsi("gix", null)))))
        .contains("ProvisionedThroughput must be specified for index: gix");

    TableDescription d = await(client.describeTable(b -> b.tableName(table))).table();
    assertThat(d.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(d.provisionedThroughput().writeCapacityUnits()).isZero();
    assertThat(d.deletionProtectionEnabled()).isFalse();
    assertThat(d.attributeDefinitions()).extracting(a -> a.attributeName()).containsExactly("pk");
    assertThat(d.hasGlobalSecondaryIndexes()).isFalse();
    await(client.deleteTable(b -> b.tableName(table)));
  }

  @BackendTest
  @ReferenceOnly("moto accepts any ExclusiveStartTableName")
  void listTables_withStartNameOutOfRange_throwsValidation(Backend backend) {
    DynamoDbAsyncClient client = backend.client();
    String tooLong = "a".repeat(256);

    assertValidationError(() -> await(client.listTables(b -> b.exclusiveStartTableName(""))))
        .isEqualTo(
            "2 validation errors detected: Value '' at 'exclusiveStartTableName' failed to satisfy"
                + " constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+;"
                + " Value '' at 'exclusiveStartTableName' failed to satisfy constraint: Member must"
                + " have length greater than or equal to 3");
    assertValidationError(() -> await(client.listTables(b -> b.exclusiveStartTableName(tooLong))))
        .isEqualTo(
            "1 validation error detected: Value '"
                + tooLong
                + "' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have"
                + " length less than or equal to 255");
    assertThat(await(client.listTables(b -> b.exclusiveStartTableName("abc")))).isNotNull();
  }
}
