package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.Values.item;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.s;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.util.DefaultSdkAutoConstructMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ExpressionContextTest {

  @Test
  void checkAllUsed_whenEveryPlaceholderUsedAcrossExpressions_passes() {
    ExpressionContext context =
        new ExpressionContext(
            Map.of("#a", "a", "#b", "b"), item(":v", n(1), ":w", n(2), ":k", s("k")));
    context.keyCondition("pk = :k");
    context.condition("#a = :v", "FilterExpression");
    context.projection("#b");
    context.update("SET x = :w");
    assertThatCode(context::checkAllUsed).doesNotThrowAnyException();
  }

  @Test
  void checkAllUsed_whenNoPlaceholdersGiven_passes() {
    ExpressionContext context = new ExpressionContext(null, null);
    context.condition("attribute_exists(a)");
    assertThatCode(context::checkAllUsed).doesNotThrowAnyException();
  }

  @Test
  void checkAllUsed_whenValueUnused_namesIt() {
    ExpressionContext context = new ExpressionContext(null, item(":v", n(1), ":x", n(2)));
    context.condition("a = :v");
    assertThatThrownBy(context::checkAllUsed)
        .isInstanceOf(ExpressionException.class)
        .hasMessage(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
  }

  @Test
  void checkAllUsed_whenSeveralValuesUnused_listsThemAll() {
    Map<String, AttributeValue> values = new LinkedHashMap<>();
    values.put(":x", n(1));
    values.put(":y", n(2));
    ExpressionContext context = new ExpressionContext(null, values);
    context.condition("attribute_exists(a)");
    assertThatThrownBy(context::checkAllUsed)
        .hasMessage(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x, :y}");
  }

  @Test
  void checkAllUsed_whenNameUnused_namesIt() {
    ExpressionContext context = new ExpressionContext(Map.of("#a", "a", "#y", "y"), null);
    context.condition("attribute_exists(#a)");
    assertThatThrownBy(context::checkAllUsed)
        .isInstanceOf(ExpressionException.class)
        .hasMessage("Value provided in ExpressionAttributeNames unused in expressions: keys: {#y}");
  }

  @Test
  void context_whenMapsGivenEmpty_isRejectedBeforeAnyParsing() {
    assertThatThrownBy(() -> new ExpressionContext(null, Map.of()))
        .hasMessage("ExpressionAttributeValues must not be empty");
    assertThatThrownBy(() -> new ExpressionContext(Map.of(), null))
        .hasMessage("ExpressionAttributeNames must not be empty");
  }

  @Test
  void checkAllUsed_whenSdkMapsUnset_treatsThemAsAbsent() {
    ExpressionContext context =
        new ExpressionContext(
            DefaultSdkAutoConstructMap.getInstance(), DefaultSdkAutoConstructMap.getInstance());
    context.condition("attribute_exists(a)");
    assertThatCode(context::checkAllUsed).doesNotThrowAnyException();
  }

  @Test
  void checkAllUsed_whenKeyLacksPrefix_isRejected() {
    assertThatThrownBy(() -> new ExpressionContext(null, item("v", n(1))).checkAllUsed())
        .hasMessage("ExpressionAttributeValues contains invalid key: Syntax error; key: \"v\"");
    assertThatThrownBy(() -> new ExpressionContext(Map.of("n", "a"), null).checkAllUsed())
        .hasMessage("ExpressionAttributeNames contains invalid key: Syntax error; key: \"n\"");
  }

  @Test
  void undefinedValue_isRejected() {
    assertThatThrownBy(() -> new ExpressionContext(null, null).condition("a = :x"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(
            "Invalid ConditionExpression: An expression attribute value used in expression is not"
                + " defined; attribute value: :x");
    assertThatThrownBy(() -> new ExpressionContext(null, null).update("ADD a :x"))
        .hasMessage(
            "Invalid UpdateExpression: An expression attribute value used in expression is not"
                + " defined; attribute value: :x");
  }

  @Test
  void undefinedName_isRejected() {
    assertThatThrownBy(() -> new ExpressionContext(null, null).projection("a.#y"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(
            "Invalid ProjectionExpression: An expression attribute name used in the document path"
                + " is not defined; attribute name: #y");
  }

  @Test
  void parsedExpressions_canBeEvaluatedRepeatedly() {
    ConditionExpression c =
        new ExpressionContext(null, item(":v", n(3))).condition("size(tags) >= :v");
    for (int i = 0; i < 1000; i++) {
      Map<String, AttributeValue> it =
          item(
              "tags",
              AttributeValue.fromSs(java.util.List.of("a", "b", "c", "d").subList(0, i % 5)));
      assertThat(c.test(it)).isEqualTo(i % 5 >= 3);
    }
  }

  @Test
  void reservedWords_holdTheWholeListIgnoringCase() {
    assertThat(ReservedWords.count()).isEqualTo(573);
    assertThat(ReservedWords.contains("status")).isTrue();
    assertThat(ReservedWords.contains("Zone")).isTrue();
    assertThat(ReservedWords.contains("ABORT")).isTrue();
    assertThat(ReservedWords.contains("FLATTERN")).isTrue();
    assertThat(ReservedWords.contains("attribute_exists")).isFalse();
    assertThat(ReservedWords.contains("remove")).isFalse();
  }
}
