package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class LocalEngineTest {
  private final LocalEngine engine = LocalEngine.create();

  private void createTable(String name) {
    engine.createTable(
        CreateTableRequest.builder()
            .tableName(name)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
            .attributeDefinitions(
                AttributeDefinition.builder()
                    .attributeName("pk")
                    .attributeType(ScalarAttributeType.S)
                    .build())
            .build());
  }

  private void put(String table, Map<String, AttributeValue> item) {
    engine.putItem(PutItemRequest.builder().tableName(table).item(item).build());
  }

  private static String errorCode(Throwable t) {
    return ((AwsServiceException) t).awsErrorDetails().errorCode();
  }

  @Test
  void putItem_thenGetItem_returnsNormalisedNumbers() {
    createTable("tbl1");
    put("tbl1", Map.of("pk", AttributeValue.fromS("a"), "n", AttributeValue.fromN("01.500")));

    Map<String, AttributeValue> item =
        engine
            .getItem(
                GetItemRequest.builder()
                    .tableName("tbl1")
                    .key(Map.of("pk", AttributeValue.fromS("a")))
                    .build())
            .item();

    assertThat(item).containsEntry("n", AttributeValue.fromN("1.5"));
    assertThat(
            engine
                .describeTable(DescribeTableRequest.builder().tableName("tbl1").build())
                .table()
                .itemCount())
        .isEqualTo(1);
  }

  @Test
  void createTable_whenNameTaken_throwsResourceInUse() {
    createTable("tbl2");
    assertThatThrownBy(() -> createTable("tbl2"))
        .isInstanceOf(ResourceInUseException.class)
        .hasMessageStartingWith("Table already exists: tbl2");
  }

  @Test
  void putItem_whenKeyHasWrongType_throwsValidationWithDynamoDbMessage() {
    createTable("tbl3");
    assertThatThrownBy(() -> put("tbl3", Map.of("pk", AttributeValue.fromN("1"))))
        .satisfies(e -> assertThat(errorCode(e)).isEqualTo("ValidationException"))
        .hasMessageStartingWith(
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
  }

  @Test
  void putItem_whenNumberHasTooManyDigits_isRejected() {
    createTable("tbl4");
    assertThatThrownBy(
            () ->
                put(
                    "tbl4",
                    Map.of(
                        "pk",
                        AttributeValue.fromS("a"),
                        "n",
                        AttributeValue.fromN("1234567890123456789012345678901234567890"))))
        .hasMessageStartingWith("Attempting to store more than 38 significant digits in a Number");
  }

  @Test
  void batchWriteItem_whenDuplicateKeys_isRejectedAndWritesNothing() {
    createTable("tbl5");
    WriteRequest w =
        WriteRequest.builder()
            .putRequest(PutRequest.builder().item(Map.of("pk", AttributeValue.fromS("x"))).build())
            .build();
    assertThatThrownBy(
            () ->
                engine.batchWriteItem(
                    BatchWriteItemRequest.builder()
                        .requestItems(Map.of("tbl5", List.of(w, w)))
                        .build()))
        .hasMessageStartingWith("Provided list of item keys contains duplicates");
    assertThat(
            engine
                .describeTable(DescribeTableRequest.builder().tableName("tbl5").build())
                .table()
                .itemCount())
        .isZero();
  }

  @Test
  void scan_withSegments_returnsEveryItemExactlyOnce() {
    createTable("tbl6");
    for (int i = 0; i < 1000; i++) {
      put("tbl6", Map.of("pk", AttributeValue.fromS("k" + i)));
    }
    for (int total : new int[] {1, 4, 7, 1000, 5000}) {
      Set<String> seen = new HashSet<>();
      int count = 0;
      for (int s = 0; s < total; s++) {
        Map<String, AttributeValue> start = null;
        do {
          ScanResponse page =
              engine.scan(
                  ScanRequest.builder()
                      .tableName("tbl6")
                      .segment(s)
                      .totalSegments(total)
                      .limit(37)
                      .exclusiveStartKey(start)
                      .build());
          for (Map<String, AttributeValue> item : page.items()) {
            seen.add(item.get("pk").s());
            count++;
          }
          start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
      }
      assertThat(count).as("items returned with %d segments", total).isEqualTo(1000);
      assertThat(seen).hasSize(1000);
    }
  }

  @Test
  void scan_whenPageWouldExceedOneMegabyte_cutsThePage() {
    createTable("tbl7");
    String payload = "x".repeat(100_000);
    for (int i = 0; i < 25; i++) {
      put("tbl7", Map.of("pk", AttributeValue.fromS("k" + i), "p", AttributeValue.fromS(payload)));
    }
    List<Integer> pageSizes = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      ScanResponse page =
          engine.scan(ScanRequest.builder().tableName("tbl7").exclusiveStartKey(start).build());
      pageSizes.add(page.count());
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    assertThat(pageSizes).allMatch(n -> n <= 10);
    assertThat(pageSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(25);
  }
}
