package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.Values.item;
import static pitr.local.expr.Values.l;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.s;
import static pitr.local.expr.Values.ss;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;

class LegacyTranslationTest {

  private static final Map<String, AttributeValue> ITEM =
      item("a", n("2"), "s", s("hello"), "tags", ss("x", "y"), "l", l(s("x"), n("2")));

  private static boolean filter(String attribute, ComparisonOperator op, AttributeValue... values) {
    Condition c = Condition.builder().comparisonOperator(op).attributeValueList(values).build();
    return LegacyConditions.filter(Map.of(attribute, c), null).test(ITEM);
  }

  @Test
  void neAndNotContains_onAMissingAttribute_differAsInDynamoDb() {
    assertThat(filter("missing", ComparisonOperator.NE, n("1"))).isTrue();
    assertThat(filter("missing", ComparisonOperator.NOT_CONTAINS, s("x"))).isFalse();
    assertThat(filter("missing", ComparisonOperator.CONTAINS, s("x"))).isFalse();
  }

  @Test
  void contains_onStringsSetsAndLists_matchesSubstringsMembersAndElements() {
    assertThat(filter("s", ComparisonOperator.CONTAINS, s("ell"))).isTrue();
    assertThat(filter("tags", ComparisonOperator.CONTAINS, s("y"))).isTrue();
    assertThat(filter("tags", ComparisonOperator.CONTAINS, s("z"))).isFalse();
    assertThat(filter("l", ComparisonOperator.CONTAINS, n("2"))).isTrue();
    assertThat(filter("tags", ComparisonOperator.NOT_CONTAINS, s("z"))).isTrue();
  }

  @Test
  void comparisons_ofAnotherType_areFalseRatherThanErrors() {
    assertThat(filter("a", ComparisonOperator.LT, s("9"))).isFalse();
    assertThat(filter("a", ComparisonOperator.EQ, s("2"))).isFalse();
    assertThat(filter("a", ComparisonOperator.NE, s("2"))).isTrue();
    assertThat(filter("a", ComparisonOperator.BETWEEN, n("1"), n("2"))).isTrue();
    assertThat(filter("a", ComparisonOperator.IN, n("5"), n("2"))).isTrue();
  }

  @Test
  void expected_withConditionalOperatorOr_holdsWhenAnyTermHolds() {
    Map<String, ExpectedAttributeValue> expected = new LinkedHashMap<>();
    expected.put("a", ExpectedAttributeValue.builder().value(n("3")).build());
    expected.put("missing", ExpectedAttributeValue.builder().exists(false).build());

    assertThat(LegacyConditions.expected(expected, "OR").test(ITEM)).isTrue();
    assertThat(LegacyConditions.expected(expected, "AND").test(ITEM)).isFalse();
    assertThat(LegacyConditions.expected(expected, null).test(ITEM)).isFalse();
  }

  @Test
  void expected_withValueOnAMissingItem_fails() {
    assertThat(
            LegacyConditions.expected(
                    Map.of("a", ExpectedAttributeValue.builder().value(n("2")).build()), null)
                .test(Map.of()))
        .isFalse();
  }

  @Test
  void attributeUpdates_addToAMissingAttribute_setsTheValue() {
    Map<String, AttributeValueUpdate> updates = new LinkedHashMap<>();
    updates.put(
        "n", AttributeValueUpdate.builder().action(AttributeAction.ADD).value(n("3")).build());
    updates.put(
        "l", AttributeValueUpdate.builder().action(AttributeAction.ADD).value(l(n("3"))).build());

    assertThat(LegacyUpdates.of(updates).apply(Map.of()))
        .isEqualTo(item("n", n("3"), "l", l(n("3"))));
  }

  @Test
  void attributeUpdates_addOfAnotherType_isATypeMismatch() {
    UpdateExpression update =
        LegacyUpdates.of(
            Map.of(
                "s",
                AttributeValueUpdate.builder().action(AttributeAction.ADD).value(n("1")).build()));

    assertThatThrownBy(() -> update.apply(ITEM))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("Type mismatch for attribute to update");
  }

  @Test
  void keyConditions_onTheSortKeyAlone_missTheHashKey() {
    Condition eq =
        Condition.builder()
            .comparisonOperator(ComparisonOperator.EQ)
            .attributeValueList(n("1"))
            .build();

    assertThatThrownBy(() -> LegacyConditions.keyConditions(Map.of("sk", eq), "pk", "S", "sk", "N"))
        .hasMessage("Query condition missed key schema element: pk");
    assertThat(
            LegacyConditions.keyConditions(
                    Map.of(
                        "pk",
                        Condition.builder()
                            .comparisonOperator(ComparisonOperator.EQ)
                            .attributeValueList(s("p"))
                            .build(),
                        "sk",
                        eq),
                    "pk",
                    "S",
                    "sk",
                    "N")
                .sortKey())
        .hasValue(new SortKeyCondition("sk", SortKeyCondition.Operator.EQ, n("1"), null));
  }

  @Test
  void attributesToGet_projectsNamesLiterally() {
    assertThat(
            LegacyConditions.attributesToGet(List.of("a.b", "s"))
                .apply(item("a.b", n("1"), "a", Values.m("b", n("2")), "s", s("v"))))
        .isEqualTo(item("a.b", n("1"), "s", s("v")));
  }
}
