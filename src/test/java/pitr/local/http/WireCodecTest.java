package pitr.local.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class WireCodecTest {
  private final WireCodec codec = new WireCodec();

  static Map<String, AttributeValue> everyAttributeType() {
    return Map.of(
        "pk", AttributeValue.fromS("user#1"),
        "n", AttributeValue.fromN("-12.50"),
        "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, 2, (byte) 255})),
        "ss", AttributeValue.fromSs(List.of("a", "b")),
        "ns", AttributeValue.fromNs(List.of("1", "2.5")),
        "bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"))),
        "nil", AttributeValue.fromNul(true),
        "flag", AttributeValue.fromBool(false),
        "l",
            AttributeValue.fromL(
                List.of(AttributeValue.fromS("in"), AttributeValue.fromL(List.of()))),
        "m",
            AttributeValue.fromM(
                Map.of("deep", AttributeValue.fromM(Map.of("x", AttributeValue.fromN("1"))))));
  }

  @Test
  void request_roundTripsThroughJson_unchanged() {
    PutItemRequest request =
        PutItemRequest.builder()
            .tableName("orders")
            .item(everyAttributeType())
            .conditionExpression("attribute_not_exists(#pk)")
            .expressionAttributeNames(Map.of("#pk", "pk"))
            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1")))
            .returnValues(ReturnValue.ALL_OLD)
            .build();

    byte[] json = codec.write(request);
    PutItemRequest back = codec.read(json, PutItemRequest::builder);

    assertThat(back).isEqualTo(request);
  }

  @Test
  void write_omitsAbsentMembers_andUsesWireNames() {
    PutItemRequest request =
        PutItemRequest.builder()
            .tableName("t")
            .item(Map.of("pk", AttributeValue.fromS("a")))
            .build();

    assertThat(new String(codec.write(request), UTF_8))
        .isEqualTo("{\"TableName\":\"t\",\"Item\":{\"pk\":{\"S\":\"a\"}}}");
  }

  @Test
  void write_keepsEmptyListsThatWereSet() {
    AttributeValue empty = AttributeValue.fromL(List.of());

    assertThat(new String(codec.write(empty), UTF_8)).isEqualTo("{\"L\":[]}");
  }

  @Test
  void read_ofWireJson_buildsNestedStructuresListsAndMaps() {
    String json =
        "{\"RequestItems\":{\"orders\":["
            + "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"b\":{\"B\":\"AAEC\"}}}},"
            + "{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"b\"}}}}]},"
            + "\"ReturnConsumedCapacity\":\"TOTAL\",\"SomethingNew\":{\"x\":[1,2]}}";

    BatchWriteItemRequest request =
        codec.read(json.getBytes(UTF_8), BatchWriteItemRequest::builder);

    assertThat(request.requestItems().get("orders"))
        .containsExactly(
            WriteRequest.builder()
                .putRequest(
                    PutRequest.builder()
                        .item(
                            Map.of(
                                "pk", AttributeValue.fromS("a"),
                                "b",
                                    AttributeValue.fromB(
                                        SdkBytes.fromByteArray(new byte[] {0, 1, 2}))))
                        .build())
                .build(),
            WriteRequest.builder()
                .deleteRequest(
                    DeleteRequest.builder().key(Map.of("pk", AttributeValue.fromS("b"))).build())
                .build());
    assertThat(request.returnConsumedCapacityAsString()).isEqualTo("TOTAL");
  }

  @Test
  void response_withInstantsBinariesAndNestedItems_roundTrips() {
    DescribeTableResponse response =
        DescribeTableResponse.builder()
            .table(
                TableDescription.builder()
                    .tableName("orders")
                    .tableStatus(TableStatus.ACTIVE)
                    .creationDateTime(Instant.parse("2024-05-01T10:15:30.123Z"))
                    .itemCount(42L)
                    .tableSizeBytes(1234L)
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .build())
            .build();
    ScanResponse scan =
        ScanResponse.builder()
            .items(List.of(everyAttributeType(), Map.of("pk", AttributeValue.fromS("2"))))
            .count(2)
            .scannedCount(2)
            .lastEvaluatedKey(Map.of("pk", AttributeValue.fromS("2")))
            .build();
    BatchWriteItemResponse batch =
        BatchWriteItemResponse.builder()
            .unprocessedItems(
                Map.of(
                    "orders",
                    List.of(
                        WriteRequest.builder()
                            .putRequest(p -> p.item(everyAttributeType()))
                            .build())))
            .build();

    assertThat(
            (DescribeTableResponse)
                codec.read(codec.write(response), DescribeTableResponse::builder))
        .isEqualTo(response);
    assertThat((ScanResponse) codec.read(codec.write(scan), ScanResponse::builder)).isEqualTo(scan);
    assertThat(
            (BatchWriteItemResponse)
                codec.read(codec.write(batch), BatchWriteItemResponse::builder))
        .isEqualTo(batch);
  }

  @Test
  void instant_isWrittenAsFractionalEpochSeconds() {
    RestoreTableToPointInTimeRequest request =
        RestoreTableToPointInTimeRequest.builder()
            .restoreDateTime(Instant.parse("2024-05-01T10:15:30.250Z"))
            .build();
    RestoreTableToPointInTimeRequest whole =
        RestoreTableToPointInTimeRequest.builder()
            .restoreDateTime(Instant.ofEpochSecond(1714558530L))
            .build();

    assertThat(new String(codec.write(request), UTF_8))
        .isEqualTo("{\"RestoreDateTime\":1714558530.25}");
    assertThat(new String(codec.write(whole), UTF_8)).isEqualTo("{\"RestoreDateTime\":1714558530}");
  }

  @Test
  void instant_isReadFromFractionalOrExponentEpochSeconds() {
    RestoreTableToPointInTimeRequest fractional =
        codec.read(
            "{\"RestoreDateTime\":1714558530.25}".getBytes(UTF_8),
            RestoreTableToPointInTimeRequest::builder);
    RestoreTableToPointInTimeRequest exponent =
        codec.read(
            "{\"RestoreDateTime\":1.71455853025E9}".getBytes(UTF_8),
            RestoreTableToPointInTimeRequest::builder);

    assertThat(fractional.restoreDateTime()).isEqualTo(Instant.parse("2024-05-01T10:15:30.250Z"));
    assertThat(exponent.restoreDateTime()).isEqualTo(Instant.parse("2024-05-01T10:15:30.250Z"));
  }

  @Test
  void read_ofEmptyBody_isAnEmptyRequest() {
    assertThat((PutItemRequest) codec.read(new byte[0], PutItemRequest::builder))
        .isEqualTo(PutItemRequest.builder().build());
  }

  @Test
  void read_ofMalformedJson_failsWithWireFormatException() {
    assertThatThrownBy(() -> codec.read("{\"TableName\":".getBytes(UTF_8), PutItemRequest::builder))
        .isInstanceOf(WireFormatException.class);
    assertThatThrownBy(() -> codec.read("[1]".getBytes(UTF_8), PutItemRequest::builder))
        .isInstanceOf(WireFormatException.class);
  }

  @Test
  void read_ofWrongJsonType_failsWithDynamoDbsSerializationText() {
    // DynamoDB's text for a number where a string belongs (as recorded by dynalite's tests).
    assertThatThrownBy(
            () -> codec.read("{\"TableName\":5}".getBytes(UTF_8), PutItemRequest::builder))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("NUMBER_VALUE cannot be converted to String");
  }

  private AttributeValue itemValue(String json) {
    PutItemRequest r =
        codec.read(("{\"Item\":{\"v\":" + json + "}}").getBytes(UTF_8), PutItemRequest::builder);
    return r.item().get("v");
  }

  @Test
  void attributeValue_withSeveralOrNullOrUnknownMembers_readsAsTheSdkBuildsIt() {
    assertThat(itemValue("{\"S\":\"a\",\"N\":\"1\"}"))
        .isEqualTo(AttributeValue.builder().s("a").n("1").build());
    assertThat(itemValue("{\"S\":null,\"N\":\"1\"}")).isEqualTo(AttributeValue.fromN("1"));
    assertThat(itemValue("{\"X\":{\"deep\":[1]},\"S\":\"a\"}"))
        .isEqualTo(AttributeValue.fromS("a"));
    assertThat(itemValue("{\"S\":\"a\",\"S\":\"b\"}")).isEqualTo(AttributeValue.fromS("b"));
    assertThat(itemValue("{}")).isEqualTo(AttributeValue.builder().build());
    assertThat(itemValue("{\"M\":{\"in\":{\"N\":\"2\",\"BOOL\":true}}}"))
        .isEqualTo(
            AttributeValue.fromM(Map.of("in", AttributeValue.builder().n("2").bool(true).build())));
  }

  @Test
  void attributeValue_ofWrongJsonType_failsWithDynamoDbsSerializationText() {
    assertThatThrownBy(() -> itemValue("{\"S\":5}"))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
    assertThatThrownBy(() -> itemValue("{\"N\":true}"))
        .hasMessage("TRUE_VALUE cannot be converted to String");
    assertThatThrownBy(() -> itemValue("{\"S\":{}}"))
        .hasMessage(SerializationErrors.STRUCTURE_NOT_EXPECTED);
    assertThatThrownBy(() -> itemValue("[\"S\"]"))
        .hasMessage(
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue");
    assertThatThrownBy(() -> itemValue("\"S\"")).hasMessage("Unexpected value type in payload");
  }

  @Test
  void attributeValue_withSeveralMembers_writesEveryMemberSet() {
    PutItemRequest request =
        PutItemRequest.builder()
            .item(
                Map.of(
                    "v", AttributeValue.builder().s("a").n("1").build(),
                    "w", AttributeValue.fromL(List.of(AttributeValue.fromN("3")))))
            .build();

    assertThat(new String(codec.write(request), UTF_8))
        .satisfiesAnyOf(
            json ->
                assertThat(json)
                    .isEqualTo(
                        "{\"Item\":{\"v\":{\"S\":\"a\",\"N\":\"1\"},\"w\":{\"L\":[{\"N\":\"3\"}]}}}"),
            json ->
                assertThat(json)
                    .isEqualTo(
                        "{\"Item\":{\"w\":{\"L\":[{\"N\":\"3\"}]},\"v\":{\"S\":\"a\",\"N\":\"1\"}}}"));
  }
}
