package pitr.local.contract;

import static pitr.local.contract.Ddb.assertFailsWith;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.s;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * DynamoDB's order of checks: the checks that need no table (expression syntax, unused or undefined
 * placeholders, legacy parameters mixed with expressions, ConditionalOperator) come before the
 * table lookup, so a malformed request for a table that does not exist is a ValidationException,
 * not a ResourceNotFoundException. A well-formed one is refused as ResourceNotFoundException.
 */
class CheckOrderContractTest {

  private static final String MISSING = "check-order-no-such-table";
  private static final String MIXED =
      "Can not use both expression and non-expression parameters in the same request: ";
  private static final Map<String, AttributeValue> KEY = item("pk", s("p"));
  private static final Map<String, AttributeValue> UNUSED = Map.of(":unused", s("x"));
  private static final String UNUSED_MESSAGE =
      "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}";
  private static final Map<String, ExpectedAttributeValue> EXPECTED =
      Map.of(
          "a",
          ExpectedAttributeValue.builder()
              .comparisonOperator(ComparisonOperator.EQ)
              .attributeValueList(s("x"))
              .build());
  private static final Map<String, Condition> FILTER =
      Map.of(
          "a",
          Condition.builder()
              .comparisonOperator(ComparisonOperator.EQ)
              .attributeValueList(s("x"))
              .build());

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void getItem_onAMissingTable_refusesAMalformedRequestAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(
            () -> await(c.getItem(b -> b.tableName(MISSING).key(KEY).projectionExpression("a."))))
        .isEqualTo("Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \".\"");
    assertValidationError(
            () ->
                await(
                    c.getItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .projectionExpression("a")
                                .expressionAttributeNames(Map.of("#unused", "b")))))
        .isEqualTo(
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}");
    assertValidationError(
            () ->
                await(
                    c.getItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .attributesToGet("a")
                                .projectionExpression("a"))))
        .isEqualTo(
            MIXED
                + "Non-expression parameters: {AttributesToGet} Expression parameters:"
                + " {ProjectionExpression}");
  }

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void putItem_onAMissingTable_refusesAMalformedRequestAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(
            () -> await(c.putItem(b -> b.tableName(MISSING).item(KEY).conditionExpression("a ="))))
        .isEqualTo("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
    assertValidationError(
            () ->
                await(
                    c.putItem(
                        b ->
                            b.tableName(MISSING)
                                .item(KEY)
                                .conditionExpression("attribute_not_exists(pk)")
                                .expressionAttributeValues(UNUSED))))
        .isEqualTo(UNUSED_MESSAGE);
    assertValidationError(
            () ->
                await(
                    c.putItem(
                        b ->
                            b.tableName(MISSING)
                                .item(KEY)
                                .expected(EXPECTED)
                                .conditionExpression("attribute_not_exists(pk)"))))
        .isEqualTo(
            MIXED
                + "Non-expression parameters: {Expected} Expression parameters:"
                + " {ConditionExpression}");
  }

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void updateItem_onAMissingTable_refusesAMalformedRequestAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(
            () -> await(c.updateItem(b -> b.tableName(MISSING).key(KEY).updateExpression("SET a"))))
        .isEqualTo("Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"a\"");
    assertValidationError(
            () ->
                await(
                    c.updateItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .updateExpression("SET a = :v")
                                .expressionAttributeValues(
                                    Map.of(":v", s("x"), ":unused", s("y"))))))
        .isEqualTo(UNUSED_MESSAGE);
    assertValidationError(
            () ->
                await(
                    c.updateItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .updateExpression("SET a = :v")
                                .expressionAttributeValues(Map.of(":v", s("x")))
                                .attributeUpdates(
                                    Map.of(
                                        "b",
                                        AttributeValueUpdate.builder()
                                            .action(AttributeAction.PUT)
                                            .value(s("y"))
                                            .build())))))
        .isEqualTo(
            MIXED
                + "Non-expression parameters: {AttributeUpdates} Expression parameters:"
                + " {UpdateExpression}");
  }

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void deleteItem_onAMissingTable_refusesAMalformedRequestAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(
            () ->
                await(c.deleteItem(b -> b.tableName(MISSING).key(KEY).conditionExpression("a ="))))
        .isEqualTo("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
    assertValidationError(
            () ->
                await(
                    c.deleteItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .conditionExpression("a = :v")
                                .expressionAttributeValues(
                                    Map.of(":v", s("x"), ":unused", s("y"))))))
        .isEqualTo(UNUSED_MESSAGE);
    assertValidationError(
            () ->
                await(
                    c.deleteItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .expected(EXPECTED)
                                .conditionalOperator(ConditionalOperator.AND))))
        .isEqualTo(
            "ConditionalOperator can only be used when Filter or Expected has two or more"
                + " elements");
  }

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void query_onAMissingTable_refusesAMalformedRequestAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(
            () ->
                await(
                    c.query(
                        b ->
                            b.tableName(MISSING)
                                .keyConditionExpression("pk = :p AND")
                                .expressionAttributeValues(Map.of(":p", s("p"))))))
        .isEqualTo("Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
    assertValidationError(
            () ->
                await(
                    c.query(
                        b ->
                            b.tableName(MISSING)
                                .keyConditionExpression("pk = :p")
                                .filterExpression("a =")
                                .expressionAttributeValues(Map.of(":p", s("p"))))))
        .isEqualTo("Invalid FilterExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
    assertValidationError(
            () ->
                await(
                    c.query(
                        b ->
                            b.tableName(MISSING)
                                .keyConditionExpression("pk = :p")
                                .expressionAttributeValues(
                                    Map.of(":p", s("p"), ":unused", s("y"))))))
        .isEqualTo(UNUSED_MESSAGE);
    assertValidationError(
            () ->
                await(
                    c.query(
                        b ->
                            b.tableName(MISSING)
                                .keyConditionExpression("pk = :p")
                                .queryFilter(FILTER)
                                .expressionAttributeValues(Map.of(":p", s("p"))))))
        .isEqualTo(
            MIXED
                + "Non-expression parameters: {QueryFilter} Expression parameters:"
                + " {KeyConditionExpression}");
  }

  @BackendTest
  @ReferenceOnly(
      "moto words a FilterExpression syntax error 'Bad Filter Expression: Bad comparison a ='")
  void scan_onAMissingTable_refusesAMalformedRequestAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(() -> await(c.scan(b -> b.tableName(MISSING).filterExpression("a ="))))
        .isEqualTo("Invalid FilterExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
    assertValidationError(
            () ->
                await(
                    c.scan(
                        b ->
                            b.tableName(MISSING)
                                .filterExpression("a = :v")
                                .expressionAttributeValues(
                                    Map.of(":v", s("x"), ":unused", s("y"))))))
        .isEqualTo(UNUSED_MESSAGE);
    assertValidationError(
            () ->
                await(
                    c.scan(
                        b ->
                            b.tableName(MISSING)
                                .scanFilter(FILTER)
                                .filterExpression("a = :v")
                                .expressionAttributeValues(Map.of(":v", s("x"))))))
        .isEqualTo(
            MIXED
                + "Non-expression parameters: {ScanFilter} Expression parameters:"
                + " {FilterExpression}");
    assertValidationError(
            () ->
                await(
                    c.scan(b -> b.tableName(MISSING).conditionalOperator(ConditionalOperator.OR))))
        .isEqualTo("ConditionalOperator cannot be used without Filter or Expected");
  }

  @BackendTest
  @ReferenceOnly(
      "moto answers a malformed action on a missing table with an error that has no error code")
  void transactions_onAMissingTable_refuseAMalformedActionAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(
            () ->
                await(
                    c.transactWriteItems(
                        b ->
                            b.transactItems(
                                t ->
                                    t.put(
                                        p ->
                                            p.tableName(MISSING)
                                                .item(KEY)
                                                .conditionExpression("a ="))))))
        .isEqualTo("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
    assertValidationError(
            () ->
                await(
                    c.transactGetItems(
                        b ->
                            b.transactItems(
                                t ->
                                    t.get(
                                        g ->
                                            g.tableName(MISSING)
                                                .key(KEY)
                                                .projectionExpression("a."))))))
        .isEqualTo("Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \".\"");
  }

  @BackendTest
  @ReferenceOnly("moto looks the table up first and answers ResourceNotFoundException")
  void batchGetItem_onAMissingTable_refusesAMalformedProjectionAsValidation(Backend backend) {
    DynamoDbAsyncClient c = backend.client();

    assertValidationError(
            () ->
                await(
                    c.batchGetItem(
                        b ->
                            b.requestItems(
                                Map.of(
                                    MISSING,
                                    KeysAndAttributes.builder()
                                        .keys(KEY)
                                        .projectionExpression("a.")
                                        .build())))))
        .isEqualTo("Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \".\"");
  }

  @BackendTest
  void wellFormedRequests_onAMissingTable_areRefusedAsResourceNotFound(Backend backend) {
    DynamoDbAsyncClient c = backend.client();
    Map<String, AttributeValue> v = Map.of(":v", s("x"));

    for (Runnable call :
        List.<Runnable>of(
            () -> await(c.getItem(b -> b.tableName(MISSING).key(KEY).projectionExpression("a"))),
            () ->
                await(
                    c.putItem(
                        b ->
                            b.tableName(MISSING)
                                .item(KEY)
                                .conditionExpression("a = :v")
                                .expressionAttributeValues(v))),
            () ->
                await(
                    c.updateItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .updateExpression("SET a = :v")
                                .expressionAttributeValues(v))),
            () ->
                await(
                    c.deleteItem(
                        b ->
                            b.tableName(MISSING)
                                .key(KEY)
                                .conditionExpression("a = :v")
                                .expressionAttributeValues(v))),
            () ->
                await(
                    c.query(
                        b ->
                            b.tableName(MISSING)
                                .keyConditionExpression("pk = :v")
                                .expressionAttributeValues(v))),
            () ->
                await(
                    c.scan(
                        b ->
                            b.tableName(MISSING)
                                .filterExpression("a = :v")
                                .expressionAttributeValues(v))))) {
      assertFailsWith(ResourceNotFoundException.class, call::run);
    }
  }
}
