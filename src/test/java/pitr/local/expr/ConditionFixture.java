package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.Values.b;
import static pitr.local.expr.Values.bool;
import static pitr.local.expr.Values.bs;
import static pitr.local.expr.Values.item;
import static pitr.local.expr.Values.l;
import static pitr.local.expr.Values.m;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.ns;
import static pitr.local.expr.Values.nul;
import static pitr.local.expr.Values.s;
import static pitr.local.expr.Values.ss;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item condition expressions are tested against, with helpers to evaluate an expression on it
 * and to check that one is rejected with DynamoDB's exact message.
 */
final class ConditionFixture {
  private ConditionFixture() {}

  static final Map<String, AttributeValue> ITEM =
      item(
          "id", s("user#1"),
          "age", n("42"),
          "score", n("7.50"),
          "title", s("Ada"),
          "payload", b("hello"),
          "active", bool(true),
          "nothing", nul(),
          "tags", ss("red", "blue"),
          "lucky", ns("3", "7"),
          "chunks", bs("ab", "cd"),
          "entries", l(s("x"), n("1"), m("k", s("v"))),
          "profile",
              m(
                  "address",
                  m("city", s("Paris"), "zip", s("75001")),
                  "phones",
                  l(s("111"), s("222"))),
          "unicode", s("é𝄞"));

  static Map<String, AttributeValue> values(Object... keysAndValues) {
    return item(keysAndValues);
  }

  static boolean test(String expression, Map<String, AttributeValue> values) {
    return new ExpressionContext(null, values).condition(expression).test(ITEM);
  }

  static boolean test(
      String expression, Map<String, String> names, Map<String, AttributeValue> values) {
    return new ExpressionContext(names, values).condition(expression).test(ITEM);
  }

  static void assertRejected(
      String expression, Map<String, AttributeValue> values, String message) {
    assertThatThrownBy(() -> new ExpressionContext(null, values).condition(expression))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(message);
  }
}
