package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.ConditionFixture.assertRejected;
import static pitr.local.expr.ConditionFixture.test;
import static pitr.local.expr.ConditionFixture.values;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.s;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What condition expressions DynamoDB refuses to parse: syntax, reserved words, limits. */
class ConditionSyntaxTest {
  @Test
  void placeholder_mayNameReservedWord() {
    assertThat(test("#s = :v", Map.of("#s", "title"), values(":v", s("Ada")))).isTrue();
  }

  @Test
  void reservedWord_asBareName_isRejected() {
    assertRejected(
        "status = :v",
        values(":v", s("x")),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword:"
            + " status");
  }

  @Test
  void reservedWord_insideNestedPath_isRejected() {
    assertRejected(
        "profile.Data = :v",
        values(":v", s("x")),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword:"
            + " Data");
  }

  @Test
  void syntaxError_quotesTokenAndNeighbours() {
    assertRejected(
        "a-b", null, "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\"");
    assertRejected(
        "a = = :v",
        values(":v", n(1)),
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"");
    assertRejected(
        "()", null, "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
  }

  @Test
  void syntaxError_atEnd_namesEof() {
    assertThatThrownBy(
            () ->
                new ExpressionContext(Map.of("#h", "active"), null)
                    .condition("attribute_exists(id) AND NOT #h"))
        .hasMessage("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"#h\"");
    assertRejected(
        "age = :v AND",
        values(":v", n(1)),
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
  }

  @Test
  void syntaxError_whenIllegalCharacter_quotesIt() {
    assertRejected(
        "age = :v ; age = :v",
        values(":v", n(1)),
        "Invalid ConditionExpression: Syntax error; token: \";\", near: \":v ; age\"");
  }

  @Test
  void syntaxError_whenKeywordUsedAsOperand_quotesIt() {
    assertRejected(
        "age = AND",
        null,
        "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"= AND\"");
  }

  @Test
  void expression_whenLongerThan4096Bytes_isRejected() {
    String padded = "age = :v" + " ".repeat(4089);
    assertThat(test(padded.substring(0, 4096), values(":v", n(42)))).isTrue();
    assertRejected(
        padded,
        values(":v", n(42)),
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size;"
            + " expression size: 4097");
  }

  @Test
  void expression_whenMoreThan300Operators_isRejected() {
    assertThat(test("NOT ".repeat(299) + "age = :v", values(":v", n(42)))).isFalse();
    assertRejected(
        "NOT ".repeat(300) + "age = :v",
        values(":v", n(42)),
        "Invalid ConditionExpression: The expression contains too many operators; operator"
            + " count: 301");
  }

  @Test
  void emptyExpression_isRejected() {
    assertRejected("", null, "Invalid ConditionExpression: The expression can not be empty;");
    assertRejected("   ", null, "Invalid ConditionExpression: The expression can not be empty;");
  }

  @Test
  void filterKind_isNamedInMessages() {
    assertThatThrownBy(() -> new ExpressionContext(null, null).condition("", "FilterExpression"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("Invalid FilterExpression: The expression can not be empty;");
    assertThatThrownBy(() -> new ExpressionContext(null, null).condition("a-b", "FilterExpression"))
        .hasMessage("Invalid FilterExpression: Syntax error; token: \"-\", near: \"a-b\"");
  }

  @Test
  void parentheses_aroundConditions_areAccepted() {
    Map<String, AttributeValue> v = values(":v", n(42));
    assertThat(test("(age = :v)", v)).isTrue();
    assertThat(test("((age = :v) AND (age = :v))", v)).isTrue();
    assertThat(test("((age = :v AND age = :v) AND age = :v)", v)).isTrue();
  }

  @Test
  void parentheses_whenDoubled_areRejectedAsRedundant() {
    assertRejected(
        "((age = :v))",
        values(":v", n(1)),
        "Invalid ConditionExpression: The expression has redundant parentheses;");
    assertRejected(
        "age = :v AND ((age = :v OR age = :v))",
        values(":v", n(1)),
        "Invalid ConditionExpression: The expression has redundant parentheses;");
  }
}
