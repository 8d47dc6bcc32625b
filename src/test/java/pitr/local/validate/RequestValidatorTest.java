package pitr.local.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class RequestValidatorTest {
  private final RequestValidator validator = RequestValidator.dynamoDb();

  private static Map<String, AttributeValue> item(String nestedName) {
    return Map.of(
        "pk",
        AttributeValue.fromS("a"),
        "n",
        AttributeValue.fromN("1"),
        "doc",
        AttributeValue.fromL(
            List.of(
                AttributeValue.fromS("x"),
                AttributeValue.fromM(Map.of(nestedName, AttributeValue.fromBool(true))))));
  }

  private static BatchWriteItemRequest batch(Map<String, AttributeValue> item) {
    return BatchWriteItemRequest.builder()
        .requestItems(
            Map.of(
                "t1",
                List.of(WriteRequest.builder().putRequest(p -> p.item(item("ok"))).build()),
                "t2",
                List.of(
                    WriteRequest.builder()
                        .putRequest(PutRequest.builder().item(item).build())
                        .build())))
        .build();
  }

  @Test
  void check_whenEveryConstraintHolds_returnsTheRequest() {
    BatchWriteItemRequest request = batch(item("name"));
    assertThat(validator.check(request)).isSameAs(request);
    GetItemRequest get =
        GetItemRequest.builder()
            .tableName("t1")
            .key(Map.of("pk", AttributeValue.fromS("a")))
            .build();
    assertThat(validator.check(get)).isSameAs(get);
  }

  @Test
  void check_whenAnAttributeNameDeepInAnItemIsTooLong_namesTheMapHoldingIt() {
    String name = "n".repeat(65536);
    assertThatThrownBy(() -> validator.check(batch(item(name))))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
              assertThat(e.awsErrorDetails().errorMessage())
                  .startsWith("1 validation error detected: Value '{")
                  .contains(
                      "' at 'requestItems.t2.member.1.member.putRequest.item.doc.member.l.2.member.m'"
                          + " failed to satisfy constraint: Map keys must satisfy constraint:"
                          + " [Member must have length less than or equal to 65535]");
            });
  }

  @Test
  void check_whenANestedRequiredMemberIsMissing_namesIt() {
    BatchWriteItemRequest request =
        BatchWriteItemRequest.builder()
            .requestItems(Map.of("t1", List.of(WriteRequest.builder().putRequest(p -> {}).build())))
            .build();
    assertThatThrownBy(() -> validator.check(request))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo(
                        "1 validation error detected: Value null at"
                            + " 'requestItems.t1.member.1.member.putRequest.item' failed to satisfy"
                            + " constraint: Member must not be null"));
  }

  @Test
  void check_whenTopLevelMembersBreakSeveralConstraints_listsEach() {
    PutItemRequest request = PutItemRequest.builder().tableName("").returnValues("NOPE").build();
    assertThatThrownBy(() -> validator.check(request))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .startsWith("3 validation errors detected: Value '' at 'tableName'")
                    .contains(
                        "Value null at 'item' failed to satisfy constraint: Member must not be null")
                    .contains("Value 'NOPE' at 'returnValues'"));
  }

  @Test
  void check_ofAShortBody_stillRefusesWhatAShortBodyCanBreak() {
    PutItemRequest request =
        PutItemRequest.builder()
            .tableName("t".repeat(1025))
            .item(Map.of("pk", AttributeValue.fromS("a")))
            .build();
    assertThatThrownBy(() -> validator.check(request, 2000))
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .startsWith("1 validation error detected: Value 't")
                    .endsWith(
                        "' at 'tableName' failed to satisfy constraint: Member must have length"
                            + " less than or equal to 1024"));
  }

  @Test
  void check_ofALongBody_checksEveryAttributeName() {
    BatchWriteItemRequest request = batch(item("n".repeat(65536)));
    assertThatThrownBy(() -> validator.check(request, RequestValidator.SHORT_BODY_BYTES + 1))
        .isInstanceOf(AwsServiceException.class)
        .hasMessageContaining("Map keys must satisfy constraint");
  }

  @Test
  void check_insideDecodedFrom_boundsOnlyTheFirstRequestChecked() {
    BatchWriteItemRequest tooLong = batch(item("n".repeat(65536)));
    BatchWriteItemRequest fine = batch(item("name"));
    assertThatThrownBy(
            () ->
                RequestValidator.decodedFrom(
                    100,
                    () -> {
                      validator.check(fine);
                      return validator.check(tooLong);
                    }))
        .isInstanceOf(AwsServiceException.class)
        .hasMessageContaining("Map keys must satisfy constraint");
    assertThatThrownBy(() -> validator.check(tooLong))
        .isInstanceOf(AwsServiceException.class)
        .hasMessageContaining("Map keys must satisfy constraint");
  }
}
