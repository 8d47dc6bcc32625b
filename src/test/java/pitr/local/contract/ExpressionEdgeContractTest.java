package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.attribute;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.b;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.key;
import static pitr.local.contract.Ddb.l;
import static pitr.local.contract.Ddb.m;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.s;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Edges of the expression language: binary contains, parenthesised operands, numbers at the edges
 * of the range, updates under missing parents, and the rules on key attributes in filters and
 * projections.
 */
class ExpressionEdgeContractTest {

  private static String table(Tables tables) {
    return tables.shared("hash", hashOnly());
  }

  /**
   * Keyed by {@code pk} and {@code sk}, with a GSI on {@code g}; holds one item in partition {@code
   * p}.
   */
  private static String rangeTable(Tables tables, Backend backend) {
    return tables.shared(
        "range",
        b ->
            b.attributeDefinitions(
                    attribute("pk", ScalarAttributeType.S),
                    attribute("sk", ScalarAttributeType.S),
                    attribute("g", ScalarAttributeType.S))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .globalSecondaryIndexes(
                    GlobalSecondaryIndex.builder()
                        .indexName("by-g")
                        .keySchema(key("g", KeyType.HASH))
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .build()),
        name ->
            await(
                backend
                    .client()
                    .putItem(
                        b ->
                            b.tableName(name)
                                .item(item("pk", s("p"), "sk", s("a"), "g", s("x"), "v", n(1))))));
  }

  private static Map<String, AttributeValue> put(
      DynamoDbAsyncClient client, String table, Object... attributes) {
    Map<String, AttributeValue> key = item("pk", s("edge-" + UUID.randomUUID()));
    Map<String, AttributeValue> full = new LinkedHashMap<>(key);
    full.putAll(item(attributes));
    await(client.putItem(b -> b.tableName(table).item(full)));
    return key;
  }

  private static boolean matches(
      DynamoDbAsyncClient client,
      String table,
      Map<String, AttributeValue> key,
      String condition,
      Map<String, AttributeValue> values) {
    return await(
                client.scan(
                    b ->
                        b.tableName(table)
                            .consistentRead(true)
                            .filterExpression("pk = :pk AND (" + condition + ")")
                            .expressionAttributeValues(withKey(values, key))))
            .count()
        == 1;
  }

  private static Map<String, AttributeValue> withKey(
      Map<String, AttributeValue> values, Map<String, AttributeValue> key) {
    Map<String, AttributeValue> all = new LinkedHashMap<>(values);
    all.put(":pk", key.get("pk"));
    return all;
  }

  private static Map<String, AttributeValue> update(
      DynamoDbAsyncClient client,
      String table,
      Map<String, AttributeValue> key,
      String expression,
      Map<String, AttributeValue> values) {
    return await(
            client.updateItem(
                b -> {
                  b.tableName(table)
                      .key(key)
                      .updateExpression(expression)
                      .returnValues(ReturnValue.ALL_NEW);
                  if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                  }
                }))
        .attributes();
  }

  private static AttributeValue bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return b(out);
  }

  @BackendTest
  @ReferenceOnly("moto never matches contains on a binary attribute")
  void contains_withBinaryOperand_matchesBytesInsideABinary(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = put(client, table, "payload", bytes(1, 2, 3, 4));

    assertThat(matches(client, table, key, "contains(payload, :b)", Map.of(":b", bytes(2, 3))))
        .isTrue();
    assertThat(matches(client, table, key, "contains(payload, :b)", Map.of(":b", bytes(3, 2))))
        .isFalse();
  }

  @BackendTest
  void contains_withBinaryOperand_matchesAMemberOfABinarySet(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    AttributeValue set =
        AttributeValue.fromBs(
            List.of(
                SdkBytes.fromByteArray(new byte[] {1, 2}), SdkBytes.fromByteArray(new byte[] {9})));
    Map<String, AttributeValue> key = put(client, table, "bset", set);

    assertThat(matches(client, table, key, "contains(bset, :b)", Map.of(":b", bytes(9)))).isTrue();
    assertThat(matches(client, table, key, "contains(bset, :b)", Map.of(":b", bytes(1)))).isFalse();
  }

  @BackendTest
  @ReferenceOnly("moto refuses parenthesised operands, as the engine did")
  void condition_withParenthesisedOperands_compares(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = put(client, table, "b", s("abc"), "c", n(7));

    assertThat(matches(client, table, key, "(size(b)) = :b", Map.of(":b", n(3)))).isTrue();
    assertThat(matches(client, table, key, "(c) = :c", Map.of(":c", n(7)))).isTrue();
    assertThat(
            matches(
                client, table, key, "((c)) BETWEEN :lo AND :hi", Map.of(":lo", n(1), ":hi", n(9))))
        .isTrue();
  }

  @BackendTest
  @ReferenceOnly("moto refuses parenthesised operands in SET, as the engine did")
  void update_withParenthesisedOperands_computes(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key =
        put(client, table, "c", l(n(1), n(10)), "b", m("a", n(5)), "d", n(2));

    Map<String, AttributeValue> after =
        update(client, table, key, "SET d = (d + :o), b.c = ((c[1]) + (b.a))", Map.of(":o", n(3)));

    assertThat(after.get("d")).isEqualTo(n(5));
    assertThat(after.get("b")).isEqualTo(m("a", n(5), "c", n(15)));
  }

  @BackendTest
  @ReferenceOnly("moto answers numbers at the edges of the range in E-notation too")
  void numbers_atTheEdgesOfTheRange_readBackAsPlainDigits(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key =
        put(client, table, "big", n("9.99E+125"), "small", n("1E-130"), "neg", n("-1.50E-5"));

    Map<String, AttributeValue> item =
        await(client.getItem(b -> b.tableName(table).key(key).consistentRead(true))).item();

    assertThat(item.get("big").n()).isEqualTo("999" + "0".repeat(123));
    assertThat(item.get("small").n()).isEqualTo("0." + "0".repeat(129) + "1");
    assertThat(item.get("neg").n()).isEqualTo("-0.000015");
  }

  @BackendTest
  @ReferenceOnly("moto removes or deletes nothing and answers success under a missing parent")
  void remove_underAMissingOrScalarParent_throwsValidation(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = put(client, table, "s", s("x"), "xs", l(n(1), n(2)));

    for (String expression :
        List.of(
            "REMOVE a.b",
            "REMOVE a[1]",
            "REMOVE s.b",
            "REMOVE #l.b",
            "REMOVE a.b.c",
            "SET a.b = :v",
            "SET a[0] = :v",
            "DELETE a.b :set",
            "DELETE s.b :set",
            "ADD a.b :set")) {
      assertValidationError(
              () ->
                  await(
                      client.updateItem(
                          b -> {
                            b.tableName(table).key(key).updateExpression(expression);
                            if (expression.contains(":v")) {
                              b.expressionAttributeValues(Map.of(":v", n(1)));
                            }
                            if (expression.contains(":set")) {
                              b.expressionAttributeValues(Map.of(":set", Ddb.ss("x")));
                            }
                            if (expression.contains("#l")) {
                              b.expressionAttributeNames(Map.of("#l", "xs"));
                            }
                          })))
          .as(expression)
          .isEqualTo("The document path provided in the update expression is invalid for update");
    }
  }

  @BackendTest
  void remove_ofAMissingIndexOfAnExistingList_changesNothing(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = put(client, table, "xs", l(n(1), n(2)), "ys", m("a", n(1)));

    Map<String, AttributeValue> after = update(client, table, key, "REMOVE xs[5], ys.b", Map.of());

    assertThat(after.get("xs")).isEqualTo(l(n(1), n(2)));
    assertThat(after.get("ys")).isEqualTo(m("a", n(1)));
  }

  @BackendTest
  @ReferenceOnly("moto accepts a query filter on key attributes")
  void query_withFilterOnKeyAttribute_throwsValidation(Backend backend, Tables tables) {
    String table = rangeTable(tables, backend);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .query(
                            b ->
                                b.tableName(table)
                                    .keyConditionExpression("pk = :p")
                                    .filterExpression("sk = :s OR pk = :p")
                                    .expressionAttributeValues(
                                        Map.of(":p", s("p"), ":s", s("a"))))))
        .isEqualTo(
            "Filter Expression can only contain non-primary key attributes: Primary key"
                + " attribute: pk");
  }

  @BackendTest
  @ReferenceOnly("moto accepts '.' and '[]' into key attributes")
  void read_withNestedPathIntoKeyAttribute_throwsValidation(Backend backend, Tables tables) {
    String table = rangeTable(tables, backend);
    DynamoDbAsyncClient client = backend.client();

    assertValidationError(
            () -> await(client.scan(b -> b.tableName(table).projectionExpression("v, sk.a"))))
        .isEqualTo(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not"
                + " allowed: Key: sk");
    assertValidationError(
            () ->
                await(
                    client.scan(
                        b -> b.tableName(table).filterExpression("attribute_exists(g[0])"))))
        .isEqualTo(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not"
                + " allowed: IndexKey: g");
    assertValidationError(
            () ->
                await(
                    client.query(
                        b ->
                            b.tableName(table)
                                .keyConditionExpression("pk = :p")
                                .projectionExpression("pk.x")
                                .expressionAttributeValues(Map.of(":p", s("p"))))))
        .isEqualTo(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not"
                + " allowed: Key: pk");
  }

  @BackendTest
  @ReferenceOnly("moto accepts size() as the prefix of begins_with")
  void beginsWith_withSizeOperand_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .scan(b -> b.tableName(table).filterExpression("begins_with(a, size(a))"))))
        .isEqualTo(
            "Invalid FilterExpression: Incorrect operand type for operator or function; operator or"
                + " function: begins_with, operand type: N");
  }

  @BackendTest
  @ReferenceOnly("moto fails with HTTP 500 on bounds of different types")
  void condition_withBetweenBoundsOfDifferentTypes_throwsValidation(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = item("pk", s("between-" + UUID.randomUUID()));
    await(client.putItem(b -> b.tableName(table).item(item("pk", key.get("pk"), "n", n(5)))));

    assertValidationError(
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(table)
                                .key(key)
                                .updateExpression("SET x = :lo")
                                .conditionExpression("n BETWEEN :lo AND :hi")
                                .expressionAttributeValues(Map.of(":lo", s("1"), ":hi", n(9))))))
        .isEqualTo(
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and"
                + " upper bounds; lower bound operand: AttributeValue: {S:1}, upper bound operand:"
                + " AttributeValue: {N:9}");
  }

  @BackendTest
  @ReferenceOnly("moto fails with HTTP 500 on bounds of different types")
  void filter_withBetweenBoundsOfDifferentTypes_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .scan(
                            b ->
                                b.tableName(table)
                                    .filterExpression("n BETWEEN :lo AND :hi")
                                    .expressionAttributeValues(
                                        Map.of(":lo", s("1"), ":hi", n(9))))))
        .isEqualTo(
            "Invalid FilterExpression: The BETWEEN operator requires same data type for lower and"
                + " upper bounds; lower bound operand: AttributeValue: {S:1}, upper bound operand:"
                + " AttributeValue: {N:9}");
  }
}
