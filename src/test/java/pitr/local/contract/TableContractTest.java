package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertFailsWith;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.attribute;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashAndRange;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.key;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.BillingModeSummary;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/** Table lifecycle: create, describe, list, update, tag and delete. */
class TableContractTest {

  private static ProvisionedThroughput throughput(long read, long write) {
    return ProvisionedThroughput.builder()
        .readCapacityUnits(read)
        .writeCapacityUnits(write)
        .build();
  }

  @BackendTest
  void createTable_withHashKeyOnly_describesActiveEmptyTable(Backend backend, Tables tables) {
    Instant before = Instant.now().minus(Duration.ofMinutes(1));
    String name = tables.create(hashOnly());

    TableDescription table = tables.awaitActive(name);

    assertThat(table.tableName()).isEqualTo(name);
    assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
    assertThat(table.keySchema()).containsExactly(key("pk", KeyType.HASH));
    assertThat(table.attributeDefinitions())
        .containsExactly(attribute("pk", ScalarAttributeType.S));
    assertThat(table.itemCount()).isZero();
    assertThat(table.tableSizeBytes()).isZero();
    assertThat(table.tableArn()).matches("arn:aws:dynamodb:[a-z0-9-]+:\\d{12}:table/" + name);
    assertThat(table.creationDateTime()).isBetween(before, Instant.now().plusSeconds(60));
    assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
  }

  @BackendTest
  void createTable_withHashAndRangeKeys_describesBothInSchemaOrder(Backend backend, Tables tables) {
    String name = tables.create(hashAndRange(ScalarAttributeType.N));

    TableDescription table = tables.awaitActive(name);

    assertThat(table.keySchema())
        .containsExactly(key("pk", KeyType.HASH), key("sk", KeyType.RANGE));
    assertThat(table.attributeDefinitions())
        .containsExactlyInAnyOrder(
            attribute("pk", ScalarAttributeType.S), attribute("sk", ScalarAttributeType.N));
  }

  @BackendTest
  void createTable_withSecondaryIndexes_describesEachIndexAndProjection(
      Backend backend, Tables tables) {
    String name =
        tables.create(
            b ->
                b.attributeDefinitions(
                        attribute("pk", ScalarAttributeType.S),
                        attribute("sk", ScalarAttributeType.S),
                        attribute("gpk", ScalarAttributeType.S),
                        attribute("gsk", ScalarAttributeType.N),
                        attribute("lsk", ScalarAttributeType.S))
                    .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                    .billingMode(BillingMode.PROVISIONED)
                    .provisionedThroughput(throughput(5, 6))
                    .globalSecondaryIndexes(
                        GlobalSecondaryIndex.builder()
                            .indexName("by-gpk-keys")
                            .keySchema(key("gpk", KeyType.HASH))
                            .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                            .provisionedThroughput(throughput(1, 2))
                            .build(),
                        GlobalSecondaryIndex.builder()
                            .indexName("by-gpk-gsk-include")
                            .keySchema(key("gpk", KeyType.HASH), key("gsk", KeyType.RANGE))
                            .projection(
                                p ->
                                    p.projectionType(ProjectionType.INCLUDE)
                                        .nonKeyAttributes("colour", "size"))
                            .provisionedThroughput(throughput(3, 4))
                            .build())
                    .localSecondaryIndexes(
                        LocalSecondaryIndex.builder()
                            .indexName("by-lsk-all")
                            .keySchema(key("pk", KeyType.HASH), key("lsk", KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))
                            .build()));

    TableDescription table = tables.awaitActive(name);

    assertThat(table.provisionedThroughput().readCapacityUnits()).isEqualTo(5);
    assertThat(table.provisionedThroughput().writeCapacityUnits()).isEqualTo(6);
    Map<String, GlobalSecondaryIndexDescription> gsis =
        table.globalSecondaryIndexes().stream()
            .collect(Collectors.toMap(GlobalSecondaryIndexDescription::indexName, g -> g));
    assertThat(gsis).containsOnlyKeys("by-gpk-keys", "by-gpk-gsk-include");
    GlobalSecondaryIndexDescription keysOnly = gsis.get("by-gpk-keys");
    assertThat(keysOnly.keySchema()).containsExactly(key("gpk", KeyType.HASH));
    assertThat(keysOnly.projection().projectionType()).isEqualTo(ProjectionType.KEYS_ONLY);
    assertThat(keysOnly.indexStatusAsString()).isEqualTo("ACTIVE");
    assertThat(keysOnly.provisionedThroughput().readCapacityUnits()).isEqualTo(1);
    assertThat(keysOnly.provisionedThroughput().writeCapacityUnits()).isEqualTo(2);
    GlobalSecondaryIndexDescription include = gsis.get("by-gpk-gsk-include");
    assertThat(include.keySchema())
        .containsExactly(key("gpk", KeyType.HASH), key("gsk", KeyType.RANGE));
    assertThat(include.projection())
        .isEqualTo(
            Projection.builder()
                .projectionType(ProjectionType.INCLUDE)
                .nonKeyAttributes("colour", "size")
                .build());
    assertThat(table.localSecondaryIndexes()).hasSize(1);
    LocalSecondaryIndexDescription lsi = table.localSecondaryIndexes().get(0);
    assertThat(lsi.indexName()).isEqualTo("by-lsk-all");
    assertThat(lsi.keySchema()).containsExactly(key("pk", KeyType.HASH), key("lsk", KeyType.RANGE));
    assertThat(lsi.projection().projectionType()).isEqualTo(ProjectionType.ALL);
  }

  @BackendTest
  @ReferenceOnly("moto describes neither TableId nor IndexArn")
  void createTable_withIndexes_describesTableIdAndIndexArns(Backend backend, Tables tables) {
    String name =
        tables.create(
            b ->
                b.attributeDefinitions(
                        attribute("pk", ScalarAttributeType.S),
                        attribute("sk", ScalarAttributeType.S),
                        attribute("gpk", ScalarAttributeType.S))
                    .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .globalSecondaryIndexes(
                        GlobalSecondaryIndex.builder()
                            .indexName("by-gpk")
                            .keySchema(key("gpk", KeyType.HASH))
                            .projection(p -> p.projectionType(ProjectionType.ALL))
                            .build())
                    .localSecondaryIndexes(
                        LocalSecondaryIndex.builder()
                            .indexName("by-gpk-local")
                            .keySchema(key("pk", KeyType.HASH), key("gpk", KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                            .build()));

    TableDescription table = tables.awaitActive(name);

    assertThat(table.tableId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(table.globalSecondaryIndexes().get(0).indexArn())
        .isEqualTo(table.tableArn() + "/index/by-gpk");
    assertThat(table.localSecondaryIndexes().get(0).indexArn())
        .isEqualTo(table.tableArn() + "/index/by-gpk-local");
  }

  @BackendTest
  void createTable_whenTableExists_throwsResourceInUse(Backend backend, Tables tables) {
    String name = tables.create(hashOnly());

    ResourceInUseException error =
        assertFailsWith(
            ResourceInUseException.class,
            () ->
                await(
                    backend
                        .client()
                        .createTable(
                            b -> {
                              hashOnly().accept(b);
                              b.tableName(name);
                            })));

    assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("Table already exists: " + name);
  }

  @BackendTest
  @ReferenceOnly("moto accepts a key schema whose first element is the RANGE key")
  void createTable_whenFirstKeyIsRange_throwsValidation(Backend backend, Tables tables) {
    String name = tables.uniqueName();

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .createTable(
                            b ->
                                b.tableName(name)
                                    .attributeDefinitions(
                                        attribute("pk", ScalarAttributeType.S),
                                        attribute("sk", ScalarAttributeType.S))
                                    .keySchema(key("sk", KeyType.RANGE), key("pk", KeyType.HASH))
                                    .billingMode(BillingMode.PAY_PER_REQUEST))))
        .isEqualTo("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }

  @BackendTest
  void createTable_whenKeyAttributeIsNotDefined_throwsValidation(Backend backend, Tables tables) {
    String name = tables.uniqueName();

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .createTable(
                            b ->
                                b.tableName(name)
                                    .attributeDefinitions(attribute("id", ScalarAttributeType.S))
                                    .keySchema(key("pk", KeyType.HASH))
                                    .billingMode(BillingMode.PAY_PER_REQUEST))))
        .isEqualTo(
            "One or more parameter values were invalid: Some index key attributes are not defined"
                + " in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [id]");
  }

  @BackendTest
  void describeTable_whenTableIsMissing_throwsResourceNotFound(Backend backend, Tables tables) {
    String name = tables.uniqueName();

    ResourceNotFoundException error =
        assertFailsWith(
            ResourceNotFoundException.class,
            () -> await(backend.client().describeTable(b -> b.tableName(name))));

    assertThat(error.awsErrorDetails().errorMessage())
        .isEqualTo("Requested resource not found: Table: " + name + " not found");
  }

  @BackendTest
  void deleteTable_whenTableIsMissing_throwsResourceNotFound(Backend backend, Tables tables) {
    String name = tables.uniqueName();

    ResourceNotFoundException error =
        assertFailsWith(
            ResourceNotFoundException.class,
            () -> await(backend.client().deleteTable(b -> b.tableName(name))));

    assertThat(error.awsErrorDetails().errorMessage()).startsWith("Requested resource not found");
  }

  @BackendTest
  void deleteTable_whenTableExists_removesIt(Backend backend, Tables tables)
      throws InterruptedException {
    DynamoDbAsyncClient client = backend.client();
    String name = tables.create(hashOnly());

    TableDescription deleted = await(client.deleteTable(b -> b.tableName(name))).tableDescription();

    assertThat(deleted.tableName()).isEqualTo(name);
    assertThat(deleted.tableStatus()).isIn(TableStatus.DELETING, TableStatus.ACTIVE);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    boolean gone = false;
    while (!gone && System.nanoTime() < deadline) {
      try {
        await(client.describeTable(b -> b.tableName(name)));
        Thread.sleep(50);
      } catch (ResourceNotFoundException e) {
        gone = true;
      }
    }
    assertThat(gone).as("table %s is gone", name).isTrue();
    assertThat(listAllTables(client)).doesNotContain(name);
  }

  @BackendTest
  void listTables_withLimit_paginatesOverEveryTableOnce(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String base = tables.uniqueName();
    List<String> mine =
        IntStream.range(0, 5).mapToObj(i -> tables.register(base + "-" + i)).toList();
    for (String name : mine) {
      await(
          client.createTable(
              b -> {
                hashOnly().accept(b);
                b.tableName(name);
              }));
    }

    List<String> seen = new ArrayList<>();
    String start = null;
    int pages = 0;
    do {
      String exclusiveStart = start;
      ListTablesResponse page =
          await(client.listTables(b -> b.limit(2).exclusiveStartTableName(exclusiveStart)));
      assertThat(page.tableNames()).hasSizeLessThanOrEqualTo(2);
      if (page.lastEvaluatedTableName() != null) {
        assertThat(page.tableNames()).last().isEqualTo(page.lastEvaluatedTableName());
      }
      seen.addAll(page.tableNames());
      start = page.lastEvaluatedTableName();
      pages++;
    } while (start != null && pages < 10_000);

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen.stream().filter(mine::contains)).containsExactlyInAnyOrderElementsOf(mine);
    assertThat(pages).isGreaterThanOrEqualTo(3);
  }

  @BackendTest
  void updateTable_whenSwitchingBillingMode_describesNewModeAndThroughput(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String name = tables.create(hashOnly());

    TableDescription updated =
        await(
                client.updateTable(
                    b ->
                        b.tableName(name)
                            .billingMode(BillingMode.PROVISIONED)
                            .provisionedThroughput(throughput(3, 4))))
            .tableDescription();

    assertThat(updated.tableName()).isEqualTo(name);
    TableDescription provisioned = tables.awaitActive(name);
    assertThat(billingMode(provisioned)).isEqualTo(BillingMode.PROVISIONED);
    assertThat(provisioned.provisionedThroughput().readCapacityUnits()).isEqualTo(3);
    assertThat(provisioned.provisionedThroughput().writeCapacityUnits()).isEqualTo(4);

    await(client.updateTable(b -> b.tableName(name).provisionedThroughput(throughput(7, 8))));

    TableDescription raised = tables.awaitActive(name);
    assertThat(raised.provisionedThroughput().readCapacityUnits()).isEqualTo(7);
    assertThat(raised.provisionedThroughput().writeCapacityUnits()).isEqualTo(8);
  }

  @BackendTest
  @ReferenceOnly("moto keeps the summary without LastUpdateToPayPerRequestDateTime")
  void updateTable_fromOnDemandToProvisioned_keepsBillingModeSummary(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String name = tables.create(hashOnly());
    Instant onDemandSince =
        tables.awaitActive(name).billingModeSummary().lastUpdateToPayPerRequestDateTime();

    await(
        client.updateTable(
            b ->
                b.tableName(name)
                    .billingMode(BillingMode.PROVISIONED)
                    .provisionedThroughput(throughput(5, 5))));

    BillingModeSummary summary = tables.awaitActive(name).billingModeSummary();
    assertThat(summary).isNotNull();
    assertThat(summary.billingMode()).isEqualTo(BillingMode.PROVISIONED);
    assertThat(summary.lastUpdateToPayPerRequestDateTime()).isEqualTo(onDemandSince).isNotNull();
  }

  @BackendTest
  void tagResource_thenUntagResource_listsCurrentTags(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String name =
        tables.create(
            b ->
                hashOnly()
                    .andThen(t -> t.tags(Tag.builder().key("team").value("payments").build()))
                    .accept(b));
    String arn = tables.awaitActive(name).tableArn();

    assertThat(tags(client, arn)).containsExactly(Map.entry("team", "payments"));

    await(
        client.tagResource(
            b ->
                b.resourceArn(arn)
                    .tags(
                        Tag.builder().key("env").value("dev").build(),
                        Tag.builder().key("owner").value("ledger").build())));

    assertThat(tags(client, arn))
        .containsOnly(
            Map.entry("team", "payments"), Map.entry("env", "dev"), Map.entry("owner", "ledger"));

    await(client.untagResource(b -> b.resourceArn(arn).tagKeys("team", "owner")));

    assertThat(tags(client, arn)).containsOnly(Map.entry("env", "dev"));
  }

  @BackendTest
  @ReferenceOnly("moto appends a second tag with the same key instead of overwriting its value")
  void tagResource_whenKeyIsAlreadyTagged_overwritesItsValue(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String name = tables.create(hashOnly());
    String arn = tables.awaitActive(name).tableArn();
    await(client.tagResource(b -> b.resourceArn(arn).tags(t -> t.key("team").value("payments"))));

    await(client.tagResource(b -> b.resourceArn(arn).tags(t -> t.key("team").value("ledger"))));

    List<Tag> listed = await(client.listTagsOfResource(b -> b.resourceArn(arn))).tags();
    assertThat(listed).containsExactly(Tag.builder().key("team").value("ledger").build());
  }

  /** The table's billing mode; DynamoDB may omit the summary for provisioned tables. */
  private static BillingMode billingMode(TableDescription table) {
    return table.billingModeSummary() == null
        ? BillingMode.PROVISIONED
        : table.billingModeSummary().billingMode();
  }

  private static Map<String, String> tags(DynamoDbAsyncClient client, String arn) {
    return await(client.listTagsOfResource(b -> b.resourceArn(arn))).tags().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  private static Set<String> listAllTables(DynamoDbAsyncClient client) {
    Set<String> names = new HashSet<>();
    String start = null;
    do {
      String exclusiveStart = start;
      ListTablesResponse page =
          await(client.listTables(b -> b.exclusiveStartTableName(exclusiveStart)));
      names.addAll(page.tableNames());
      start = page.lastEvaluatedTableName();
    } while (start != null);
    return names;
  }
}
