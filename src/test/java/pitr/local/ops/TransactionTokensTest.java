package pitr.local.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pitr.local.AdjustableClock;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/** What makes two TransactWriteItems the same request, and how many tokens are held. */
class TransactionTokensTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));

  private static TransactWriteItemsRequest put(String token, Map<String, AttributeValue> item) {
    return TransactWriteItemsRequest.builder()
        .clientRequestToken(token)
        .transactItems(TransactWriteItem.builder().put(p -> p.tableName("t").item(item)).build())
        .build();
  }

  private static Map<String, AttributeValue> item(String... namesAndValues) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put(namesAndValues[i], AttributeValue.fromS(namesAndValues[i + 1]));
    }
    return out;
  }

  @Test
  void theDigest_ignoresTheTokenAndTheOrderOfMaps_butNotAnyValue() {
    byte[] a = TransactionTokens.digest(put("t-1", item("pk", "a", "x", "1", "y", "2")));

    assertThat(TransactionTokens.digest(put("t-2", item("y", "2", "pk", "a", "x", "1"))))
        .isEqualTo(a);
    assertThat(TransactionTokens.digest(put("t-1", item("pk", "a", "x", "1", "y", "3"))))
        .isNotEqualTo(a);
    assertThat(TransactionTokens.digest(put("t-1", item("pk", "a", "x", "12", "y", ""))))
        .isNotEqualTo(TransactionTokens.digest(put("t-1", item("pk", "a", "x", "1", "y", "2"))));
  }

  @Test
  void aRepeat_isARetry_andAnotherRequestWithTheToken_isRefused() {
    TransactionTokens tokens = new TransactionTokens(clock);
    TransactWriteItemsRequest r = put("t-1", item("pk", "a"));
    assertThat(tokens.isRetry(r)).isFalse();
    tokens.applied(r);

    assertThat(tokens.isRetry(put("t-1", item("pk", "a")))).isTrue();
    assertThatThrownBy(() -> tokens.isRetry(put("t-1", item("pk", "b"))))
        .isInstanceOf(IdempotentParameterMismatchException.class);
    assertThat(tokens.isRetry(put(null, item("pk", "a")))).isFalse();
  }

  @Test
  void beyondTheTokensHeld_theOldestIsForgotten() {
    TransactionTokens tokens = new TransactionTokens(clock, 2);
    tokens.applied(put("t-1", item("pk", "a")));
    tokens.applied(put("t-2", item("pk", "a")));
    tokens.applied(put("t-3", item("pk", "a")));

    assertThat(tokens.isRetry(put("t-1", item("pk", "a")))).isFalse();
    assertThat(tokens.isRetry(put("t-2", item("pk", "a")))).isTrue();
    assertThat(tokens.isRetry(put("t-3", item("pk", "a")))).isTrue();
  }
}
