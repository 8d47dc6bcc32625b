package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import pitr.local.LocalDynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/**
 * The constraint checks of the service model, in DynamoDB's order and words: "N validation errors
 * detected: Value 'x' at 'member.path' failed to satisfy constraint: ...", every violation (up to
 * ten) in one message, before any semantic check or table lookup.
 *
 * <p>The generated cases (every constrained top-level member of every operation the engine serves,
 * with a value out of its range) run on the embedded engine only: moto checks almost none of these
 * constraints. The hand-written cases pin DynamoDB's texts for nested member paths.
 */
class ValidationContractTest {
  private static ModelCases.Served served;

  @BeforeAll
  static void start() {
    served = ModelCases.Served.start();
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  @TestFactory
  Stream<DynamicTest> everyConstrainedMember_outOfRange_isRefusedWithDynamoDbsMessage() {
    List<ModelCases.Case> cases = ModelCases.outOfRange();
    assertThat(cases).hasSizeGreaterThan(40);
    return ModelCases.posted(served, cases, "message");
  }

  @BackendTest
  @ReferenceOnly("moto does not check the model's required members on CreateTable")
  void createTable_withNoMembers_listsEveryMissingRequiredMember(Backend backend) {
    assertValidationError(() -> await(backend.client().createTable(b -> {})))
        .isEqualTo(
            "3 validation errors detected: Value null at 'attributeDefinitions' failed to satisfy"
                + " constraint: Member must not be null; Value null at 'tableName' failed to"
                + " satisfy constraint: Member must not be null; Value null at 'keySchema' failed"
                + " to satisfy constraint: Member must not be null");
  }

  @BackendTest
  @ReferenceOnly("moto does not check nested members' constraints")
  void createTable_withBadNestedMembers_namesDynamoDbsMemberPaths(Backend backend) {
    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .createTable(
                            b ->
                                b.tableName("ok-table")
                                    .attributeDefinitions(
                                        a -> a.attributeName("pk").attributeType("X"))
                                    .keySchema(KeySchemaElement.builder().build())
                                    .globalSecondaryIndexes(
                                        GlobalSecondaryIndex.builder()
                                            .indexName("ab")
                                            .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                                            .projection(p -> p.projectionType(ProjectionType.ALL))
                                            .build()))))
        .isEqualTo(
            "4 validation errors detected: Value 'X' at"
                + " 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint:"
                + " Member must satisfy enum value set: [B, N, S]; Value null at"
                + " 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must"
                + " not be null; Value null at 'keySchema.1.member.keyType' failed to satisfy"
                + " constraint: Member must not be null; Value 'ab' at"
                + " 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint:"
                + " Member must have length greater than or equal to 3");
  }

  @BackendTest
  @ReferenceOnly("moto does not check ListTables' limit or start table name")
  void listTables_withLimitAndStartNameOutOfRange_listsEachBrokenConstraint(Backend backend) {
    String name = "89hls;;f;d" + "x".repeat(250);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .listTables(b -> b.limit(Integer.MAX_VALUE).exclusiveStartTableName(name))))
        .isEqualTo(
            "3 validation errors detected: Value '"
                + name
                + "' at 'exclusiveStartTableName' failed to satisfy constraint: Member must"
                + " satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '"
                + name
                + "' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have"
                + " length less than or equal to 255; Value '2147483647' at 'limit' failed to"
                + " satisfy constraint: Member must have value less than or equal to 100");
  }

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void getItem_malformedForMissingTable_isValidationNotResourceNotFound(Backend backend) {
    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .getItem(
                            b ->
                                b.tableName("no-such-table")
                                    .key(Map.of("pk", AttributeValue.fromS("a")))
                                    .returnConsumedCapacity("SOMETIMES"))))
        .isEqualTo(
            "1 validation error detected: Value 'SOMETIMES' at 'returnConsumedCapacity' failed to"
                + " satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL,"
                + " NONE]");
  }

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void scan_withSegmentOnlyOnMissingTable_isValidationBeforeTheTableLookup(Backend backend) {
    assertValidationError(
            () -> await(backend.client().scan(b -> b.tableName("no-such-table").segment(0))))
        .isEqualTo(
            "The TotalSegments parameter is required but was not present in the request when"
                + " Segment parameter is present");
  }

  @BackendTest
  @ReferenceOnly("moto does not check the model's constraints on key schemas")
  void createTable_withMoreThanTenViolations_listsTheFirstTen(Backend backend) {
    List<KeySchemaElement> empty = Collections.nCopies(6, KeySchemaElement.builder().build());

    assertValidationError(
            () ->
                await(backend.client().createTable(b -> b.tableName("ok-table").keySchema(empty))))
        .isEqualTo(
            "10 validation errors detected: Value null at 'attributeDefinitions' failed to"
                + " satisfy constraint: Member must not be null; "
                + missing("keySchema.1.member.attributeName")
                + missing("keySchema.1.member.keyType")
                + missing("keySchema.2.member.attributeName")
                + missing("keySchema.2.member.keyType")
                + missing("keySchema.3.member.attributeName")
                + missing("keySchema.3.member.keyType")
                + missing("keySchema.4.member.attributeName")
                + missing("keySchema.4.member.keyType")
                + "Value null at 'keySchema.5.member.attributeName' failed to satisfy constraint:"
                + " Member must not be null");
  }

  private static String missing(String path) {
    return "Value null at '" + path + "' failed to satisfy constraint: Member must not be null; ";
  }

  @Test
  void inProcessClient_refusesAMalformedRequestWithTheSameClassAndMessage() {
    DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(served.engine());

    assertValidationError(
            () ->
                await(
                    client.query(
                        b -> b.tableName("ab").limit(0).select("EVERYTHING").indexName("x"))))
        .isEqualTo(
            "3 validation errors detected: Value 'x' at 'indexName' failed to satisfy"
                + " constraint: Member must have length greater than or equal to 3; Value"
                + " 'EVERYTHING' at 'select' failed to satisfy constraint: Member must satisfy enum"
                + " value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES,"
                + " ALL_PROJECTED_ATTRIBUTES]; Value '0' at 'limit' failed to satisfy constraint:"
                + " Member must have"
                + " value greater than or equal to 1");
  }
}
