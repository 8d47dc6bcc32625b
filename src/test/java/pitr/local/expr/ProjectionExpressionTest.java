package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.Values.item;
import static pitr.local.expr.Values.l;
import static pitr.local.expr.Values.m;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.s;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ProjectionExpressionTest {

  private static final Map<String, AttributeValue> ITEM =
      item(
          "id", s("1"),
          "a", m("b", n(1), "c", n(2)),
          "l", l(s("zero"), m("x", n(1), "y", n(2)), s("two"), s("three")),
          "extra", n(9));

  private static Map<String, AttributeValue> project(String expression) {
    return new ExpressionContext(null, null).projection(expression).apply(ITEM);
  }

  private static void assertRejected(String expression, String message) {
    assertThatThrownBy(() -> new ExpressionContext(null, null).projection(expression))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(message);
  }

  @Test
  void projection_keepsListedTopLevelAttributes() {
    assertThat(project("id, extra")).isEqualTo(item("id", s("1"), "extra", n(9)));
  }

  @Test
  void projection_ofNestedKey_keepsStructure() {
    assertThat(project("a.b")).isEqualTo(item("a", m("b", n(1))));
  }

  @Test
  void projection_ofSiblingKeys_mergesThem() {
    assertThat(project("a.c, a.b")).isEqualTo(item("a", m("c", n(2), "b", n(1))));
  }

  @Test
  void projection_ofListIndexes_keepsOrderAndCompacts() {
    assertThat(project("l[3], l[0]")).isEqualTo(item("l", l(s("zero"), s("three"))));
  }

  @Test
  void projection_intoListElementMap_keepsOnlyRequestedKeys() {
    assertThat(project("l[1].y")).isEqualTo(item("l", l(m("y", n(2)))));
  }

  @Test
  void projection_whenPathsMissing_omitsThem() {
    assertThat(project("nope, a.zz, l[9], id.x")).isEmpty();
    assertThat(project("a[0]")).isEmpty();
    assertThat(project("nope, id")).isEqualTo(item("id", s("1")));
  }

  @Test
  void projection_neverModifiesTheItem() {
    Map<String, AttributeValue> out = project("a.b");
    assertThat(ITEM.get("a")).isEqualTo(m("b", n(1), "c", n(2)));
    assertThat(out).isNotSameAs(ITEM);
  }

  @Test
  void projection_resolvesNamePlaceholders() {
    ExpressionContext context = new ExpressionContext(Map.of("#s", "status"), null);
    ProjectionExpression p = context.projection("#s");
    assertThat(p.apply(item("status", s("ok"), "x", n(1)))).isEqualTo(item("status", s("ok")));
  }

  @Test
  void projection_whenPathsOverlap_isRejected() {
    assertRejected(
        "a, a.b",
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or"
            + " rewrite one of these paths; path one: [a], path two: [a, b]");
    assertRejected(
        "id, id",
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or"
            + " rewrite one of these paths; path one: [id], path two: [id]");
  }

  @Test
  void projection_whenPathsConflict_isRejected() {
    assertRejected(
        "a.b, a[1]",
        "Invalid ProjectionExpression: Two document paths conflict with each other; must remove"
            + " or rewrite one of these paths; path one: [a, b], path two: [a, [1]]");
  }

  @Test
  void projection_reservedWord_isRejected() {
    assertRejected(
        "id, name",
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword:"
            + " name");
  }

  @Test
  void projection_syntaxErrors_areReported() {
    assertRejected("", "Invalid ProjectionExpression: The expression can not be empty;");
    assertRejected(
        "a,, b", "Invalid ProjectionExpression: Syntax error; token: \",\", near: \",, b\"");
    assertRejected(
        "a[x]", "Invalid ProjectionExpression: Syntax error; token: \"x\", near: \"[x]\"");
    assertRejected(
        "a.", "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \".\"");
  }
}
