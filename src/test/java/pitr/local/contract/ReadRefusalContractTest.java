package pitr.local.contract;

import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashAndRange;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.s;

import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractStringAssert;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Query and Scan requests DynamoDB refuses, each with its ValidationException message. */
class ReadRefusalContractTest {
  private static final String MIXED =
      "Can not use both expression and non-expression parameters in the same request: ";

  private static String table(Backend backend, Tables tables) {
    return tables.shared(
        "range",
        hashAndRange(ScalarAttributeType.N),
        name ->
            await(
                backend
                    .client()
                    .putItem(
                        b -> b.tableName(name).item(item("pk", s("p"), "sk", n(1), "v", n(3))))));
  }

  /** The refusal of a Query of the shared table built by {@code request}: its message. */
  private static AbstractStringAssert<?> queryRefusal(
      Backend backend, Tables tables, Consumer<QueryRequest.Builder> request) {
    String table = table(backend, tables);
    return assertValidationError(
        () -> await(backend.client().query(b -> request.accept(b.tableName(table)))));
  }

  /** {@code b} querying partition p by expression. */
  private static QueryRequest.Builder pkIsP(QueryRequest.Builder b) {
    return b.keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", s("p")));
  }

  private static final Map<String, Condition> PK_IS_P =
      Map.of(
          "pk",
          Condition.builder()
              .comparisonOperator(ComparisonOperator.EQ)
              .attributeValueList(s("p"))
              .build());

  @BackendTest
  @ReferenceOnly("moto lets KeyConditions go with FilterExpression")
  void query_withKeyConditionsAndFilterExpression_isRefusedAsMixed(Backend backend, Tables tables) {
    queryRefusal(
            backend,
            tables,
            b ->
                b.keyConditions(PK_IS_P)
                    .filterExpression("v = :v")
                    .expressionAttributeValues(Map.of(":v", n(3))))
        .isEqualTo(
            MIXED
                + "Non-expression parameters: {KeyConditions} Expression parameters:"
                + " {FilterExpression}");
  }

  @BackendTest
  @ReferenceOnly("moto lets KeyConditions go with ProjectionExpression")
  void query_withKeyConditionsAndProjectionExpression_isRefusedAsMixed(
      Backend backend, Tables tables) {
    queryRefusal(backend, tables, b -> b.keyConditions(PK_IS_P).projectionExpression("v"))
        .isEqualTo(
            MIXED
                + "Non-expression parameters: {KeyConditions} Expression parameters:"
                + " {ProjectionExpression}");
  }

  @BackendTest
  @ReferenceOnly("moto accepts ALL_PROJECTED_ATTRIBUTES on a table and answers every attribute")
  void query_withAllProjectedAttributesAndNoIndex_isRefused(Backend backend, Tables tables) {
    queryRefusal(backend, tables, b -> pkIsP(b).select(Select.ALL_PROJECTED_ATTRIBUTES))
        .isEqualTo("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }

  @BackendTest
  @ReferenceOnly("moto accepts ALL_PROJECTED_ATTRIBUTES on a table and answers every attribute")
  void scan_withAllProjectedAttributesAndNoIndex_isRefusedSayingQuerying(
      Backend backend, Tables tables) {
    String table = table(backend, tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .scan(b -> b.tableName(table).select(Select.ALL_PROJECTED_ATTRIBUTES))))
        .isEqualTo("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }

  @BackendTest
  @ReferenceOnly("moto answers every attribute for SPECIFIC_ATTRIBUTES without a projection")
  void query_withSpecificAttributesAndNoProjection_isRefused(Backend backend, Tables tables) {
    queryRefusal(backend, tables, b -> pkIsP(b).select(Select.SPECIFIC_ATTRIBUTES))
        .isEqualTo(
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get"
                + " SPECIFIC_ATTRIBUTES");
  }

  @BackendTest
  @ReferenceOnly("moto accepts a ProjectionExpression with any Select")
  void scan_withProjectionExpressionAndAnotherSelect_namesTheSelect(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(backend, tables);

    assertValidationError(
            () ->
                await(
                    client.scan(
                        b -> b.tableName(table).select(Select.COUNT).projectionExpression("pk"))))
        .isEqualTo("Cannot specify the ProjectionExpression when choosing to get only the Count");
    // Both rules of Select broken at once: DynamoDB names the ProjectionExpression.
    assertValidationError(
            () ->
                await(
                    client.scan(
                        b ->
                            b.tableName(table)
                                .select(Select.ALL_PROJECTED_ATTRIBUTES)
                                .projectionExpression("pk"))))
        .isEqualTo(
            "Cannot specify the ProjectionExpression when choosing to get"
                + " ALL_PROJECTED_ATTRIBUTES");
  }

  @BackendTest
  void query_withEmptyExpressionAttributeValues_saysTheyMustNotBeEmpty(
      Backend backend, Tables tables) {
    queryRefusal(
            backend,
            tables,
            b -> b.keyConditionExpression("pk = :p").expressionAttributeValues(Map.of()))
        .isEqualTo("ExpressionAttributeValues must not be empty");
  }
}
