package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.Values.item;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.s;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class KeyConditionExpressionTest {

  private static final Map<String, AttributeValue> VALUES =
      item(":p", s("user#1"), ":a", n(1), ":b", n(5), ":pre", s("2024-"));

  private static KeyConditionExpression parse(String expression) {
    return new ExpressionContext(null, VALUES).keyCondition(expression);
  }

  private static void assertRejected(String expression, String message) {
    assertThatThrownBy(() -> parse(expression))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(message);
  }

  @Test
  void keyCondition_partitionKeyOnly() {
    KeyConditionExpression k = parse("pk = :p");
    assertThat(k.partitionKey()).isEqualTo("pk");
    assertThat(k.partitionValue()).isEqualTo(s("user#1"));
    assertThat(k.sortKey()).isEmpty();
  }

  @Test
  void keyCondition_valueFirst_isAccepted() {
    KeyConditionExpression k = parse(":p = pk");
    assertThat(k.partitionKey()).isEqualTo("pk");
    assertThat(k.partitionValue()).isEqualTo(s("user#1"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "pk = :p AND sk = :a, EQ",
    "pk = :p AND sk < :a, LT",
    "pk = :p AND sk <= :a, LE",
    "pk = :p AND sk > :a, GT",
    "pk = :p AND sk >= :a, GE",
    "pk = :p AND :a > sk, LT",
    "pk = :p AND :a >= sk, LE",
    "pk = :p AND :a < sk, GT",
    "pk = :p AND :a <= sk, GE",
    "sk > :a AND pk = :p, GT",
    "pk = :p and sk > :a, GT"
  })
  void keyCondition_sortKeyComparison_isReadFromEitherSide(String expression, String op) {
    KeyConditionExpression k = parse(expression);
    assertThat(k.partitionKey()).isEqualTo("pk");
    assertThat(k.sortKey())
        .hasValue(new SortKeyCondition("sk", SortKeyCondition.Operator.valueOf(op), n(1), null));
  }

  @Test
  void keyCondition_between() {
    KeyConditionExpression k = parse("pk = :p AND sk BETWEEN :a AND :b");
    assertThat(k.sortKey())
        .hasValue(new SortKeyCondition("sk", SortKeyCondition.Operator.BETWEEN, n(1), n(5)));
    assertThat(k.sortKey().get().matches(n(5))).isTrue();
    assertThat(k.sortKey().get().matches(n(6))).isFalse();
  }

  @Test
  void keyCondition_beginsWith() {
    KeyConditionExpression k = parse("begins_with(sk, :pre) AND pk = :p");
    assertThat(k.sortKey())
        .hasValue(
            new SortKeyCondition("sk", SortKeyCondition.Operator.BEGINS_WITH, s("2024-"), null));
    assertThat(k.sortKey().get().matches(s("2024-05-01"))).isTrue();
  }

  @Test
  void keyCondition_parenthesesAroundClausesOrWhole_areAccepted() {
    assertThat(parse("(pk = :p) AND (sk > :a)").sortKey()).isPresent();
    assertThat(parse("(pk = :p AND sk > :a)").sortKey()).isPresent();
  }

  @Test
  void keyCondition_whenBothEqualities_partitionKeyNameDecides() {
    ExpressionContext context = new ExpressionContext(null, VALUES);
    KeyConditionExpression k = context.keyCondition("sk = :a AND pk = :p", "pk");
    assertThat(k.partitionKey()).isEqualTo("pk");
    assertThat(k.sortKey().get().attribute()).isEqualTo("sk");
    assertThat(parse("sk = :a AND pk = :p").partitionKey()).isEqualTo("sk");
  }

  @Test
  void forPartitionKey_whenBothEqualities_readsAsParsingWithTheSchemaDoes() {
    KeyConditionExpression parsed = parse("sk = :a AND pk = :p");

    assertThat(parsed.forPartitionKey("pk"))
        .isEqualTo(new ExpressionContext(null, VALUES).keyCondition("sk = :a AND pk = :p", "pk"));
    assertThat(parsed.forPartitionKey("sk")).isEqualTo(parsed);
    assertThat(parse("pk = :p AND sk > :a").forPartitionKey("pk"))
        .isEqualTo(parse("pk = :p AND sk > :a"));
  }

  @Test
  void keyCondition_resolvesNamePlaceholders() {
    KeyConditionExpression k =
        new ExpressionContext(Map.of("#pk", "name", "#sk", "date"), VALUES)
            .keyCondition("#pk = :p AND #sk BETWEEN :a AND :b");
    assertThat(k.partitionKey()).isEqualTo("name");
    assertThat(k.sortKey().get().attribute()).isEqualTo("date");
  }

  @Test
  void keyCondition_or_isRejected() {
    assertRejected("pk = :p OR sk = :a", "Invalid operator used in KeyConditionExpression: OR");
  }

  @Test
  void keyCondition_not_isRejected() {
    assertRejected(
        "pk = :p AND NOT sk = :a", "Invalid operator used in KeyConditionExpression: NOT");
  }

  @Test
  void keyCondition_in_isRejected() {
    assertRejected(
        "pk = :p AND sk IN (:a, :b)", "Invalid operator used in KeyConditionExpression: IN");
  }

  @Test
  void keyCondition_notEqual_isRejected() {
    assertRejected("pk = :p AND sk <> :a", "Invalid operator used in KeyConditionExpression: <>");
  }

  @Test
  void keyCondition_otherFunctions_areRejected() {
    assertRejected(
        "pk = :p AND contains(sk, :pre)",
        "Invalid operator used in KeyConditionExpression: contains");
    assertRejected(
        "pk = :p AND attribute_exists(sk)",
        "Invalid operator used in KeyConditionExpression: attribute_exists");
    assertRejected(
        "pk = :p AND size(sk) > :a", "Invalid operator used in KeyConditionExpression: size");
  }

  @Test
  void keyCondition_withoutEquality_isNotSupported() {
    assertRejected("pk > :a", "Query key condition not supported");
    assertRejected("pk > :a AND sk < :b", "Query key condition not supported");
  }

  @Test
  void keyCondition_threeConditions_isNotSupported() {
    assertRejected("pk = :p AND sk > :a AND extra = :b", "Query key condition not supported");
  }

  @Test
  void keyCondition_twoPathsOrTwoValues_isNotSupported() {
    assertRejected("pk = sk", "Query key condition not supported");
    assertRejected("pk = :p AND :a = :b", "Query key condition not supported");
    assertRejected("pk.x = :p", "Query key condition not supported");
  }

  @Test
  void keyCondition_twoConditionsOnOneKey_isRejected() {
    assertRejected(
        "pk = :p AND pk = :a",
        "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition"
            + " per key");
  }

  @Test
  void keyCondition_beginsWithNumber_isRejected() {
    assertRejected(
        "pk = :p AND begins_with(sk, :a)",
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator"
            + " or function: begins_with, operand type: N");
  }

  @Test
  void keyCondition_errorsNameTheKeyConditionExpression() {
    assertRejected("", "Invalid KeyConditionExpression: The expression can not be empty;");
    assertRejected(
        "pk = :p AND",
        "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
    assertRejected(
        "((pk = :p))", "Invalid KeyConditionExpression: The expression has redundant parentheses;");
    assertRejected(
        "name = :p",
        "Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword:"
            + " name");
    assertRejected(
        "pk = :nope",
        "Invalid KeyConditionExpression: An expression attribute value used in expression is not"
            + " defined; attribute value: :nope");
  }
}
