package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemJsonTest {
  @Test
  void writeThenRead_roundTripsEveryType() {
    Map<String, AttributeValue> item =
        Map.of(
            "s", AttributeValue.fromS("a"),
            "n", AttributeValue.fromN("1.5"),
            "b", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")),
            "t", AttributeValue.fromBool(true),
            "z", AttributeValue.fromNul(true),
            "ss", AttributeValue.fromSs(List.of("x", "y")),
            "l", AttributeValue.fromL(List.of(AttributeValue.fromN("2"))),
            "m", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v"))));
    assertThat(ItemJson.read(ItemJson.write(item))).isEqualTo(item);
  }

  @Test
  void read_takesPlainStringsAndNumbersAsSAndN() {
    assertThat(ItemJson.read("{\"pk\":\"a\",\"n\":3}"))
        .isEqualTo(Map.of("pk", AttributeValue.fromS("a"), "n", AttributeValue.fromN("3")));
  }

  @Test
  void read_ofMalformedJson_saysSo() {
    assertThatThrownBy(() -> ItemJson.read("{pk")).hasMessageStartingWith("it is not valid JSON");
    assertThatThrownBy(() -> ItemJson.read("[1]")).hasMessage("it is not a JSON object");
  }
}
