package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.dynamo.LocalTarget;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;

/**
 * The legacy condition parameters are refused, never ignored: a put or delete that silently drops
 * its {@code Expected} condition would overwrite or delete unconditionally.
 */
class LegacyConditionsTest {
  private static LocalTarget local;
  private static final Map<String, ExpectedAttributeValue> ABSENT =
      Map.of("v", ExpectedAttributeValue.builder().exists(false).build());

  @BeforeAll
  static void start() {
    local = new LocalTarget();
    local.createTable("legacy");
    local.client.putItem(p -> p.tableName("legacy").item(LocalTarget.item(1, "first", 0))).join();
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  private static void refused(Runnable call, String parameter) {
    assertThatThrownBy(call::run)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(DynamoDbException.class)
        .hasMessageStartingWith(
            "The legacy parameter "
                + parameter
                + " is not supported by the pitr embedded engine; use the expression parameters"
                + " instead");
  }

  @Test
  void putItem_withExpectedOrConditionalOperator_isRefusedAndWritesNothing() {
    refused(
        () ->
            local
                .client
                .putItem(
                    p ->
                        p.tableName("legacy")
                            .item(LocalTarget.item(1, "second", 0))
                            .expected(ABSENT))
                .join(),
        "Expected");
    refused(
        () ->
            local
                .client
                .putItem(
                    p ->
                        p.tableName("legacy")
                            .item(LocalTarget.item(1, "second", 0))
                            .conditionalOperator(ConditionalOperator.AND))
                .join(),
        "ConditionalOperator");

    assertThat(local.contents("legacy").get("k1").get("v"))
        .isEqualTo(AttributeValue.fromS("first"));
  }

  @Test
  void deleteItem_withExpected_isRefusedAndDeletesNothing() {
    refused(
        () ->
            local
                .client
                .deleteItem(
                    d ->
                        d.tableName("legacy")
                            .key(Map.of("pk", AttributeValue.fromS("k1")))
                            .expected(ABSENT))
                .join(),
        "Expected");

    assertThat(local.contents("legacy")).containsKey("k1");
  }
}
