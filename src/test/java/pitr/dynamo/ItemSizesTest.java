package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemSizesTest {
  @Test
  void size_addsAttributeNameLengthsAndValueSizes() {
    Map<String, AttributeValue> item =
        Map.of(
            "pk", AttributeValue.fromS("abc"),
            "n", AttributeValue.fromN("12345"),
            "ok", AttributeValue.fromBool(true));
    // pk(2)+abc(3) + n(1)+5 digits(3+1) + ok(2)+1
    assertThat(ItemSizes.size(item)).isEqualTo(5 + 5 + 3);
  }

  @Test
  void size_ofNestedValues_countsThreeBytesPerContainerAndOnePerElement() {
    AttributeValue list = AttributeValue.fromL(List.of(AttributeValue.fromS("ab")));
    AttributeValue map = AttributeValue.fromM(Map.of("k", AttributeValue.fromS("v")));
    assertThat(ItemSizes.size(list)).isEqualTo(3 + 1 + 2);
    assertThat(ItemSizes.size(map)).isEqualTo(3 + 1 + 1 + 1);
  }

  @Test
  void utf8Length_matchesTheEncodedLength_forAsciiPrefixesAndEveryEncodingWidth() {
    for (String s :
        List.of(
            "",
            "plain ascii",
            "x".repeat(960),
            "caf\u00e9",
            "\u00e9t\u00e9",
            "abc\u20ac",
            "\ud83d\ude00 smile",
            "ascii then \ud83d\ude00 then \u4e2d\u6587")) {
      assertThat(ItemSizes.utf8Length(s))
          .as(s)
          .isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void writeUnits_roundUpToWholeKilobytesAndAtLeastOne() {
    assertThat(ItemSizes.writeUnits(0)).isEqualTo(1);
    assertThat(ItemSizes.writeUnits(1024)).isEqualTo(1);
    assertThat(ItemSizes.writeUnits(1025)).isEqualTo(2);
  }

  @Test
  void readUnits_roundUpToFourKilobytesAndHalveForEventualReads() {
    assertThat(ItemSizes.readUnits(4096, true)).isEqualTo(1.0);
    assertThat(ItemSizes.readUnits(4097, true)).isEqualTo(2.0);
    assertThat(ItemSizes.readUnits(4097, false)).isEqualTo(1.0);
  }

  @Test
  void itemSize_countsNamesAndValuesAsDynamoDbDoes() {
    assertThat(ItemSizes.size(Map.of("ab", AttributeValue.fromS("héllo")))).isEqualTo(2 + 6);
    assertThat(ItemSizes.size(AttributeValue.fromN("12345"))).isEqualTo(4);
    assertThat(ItemSizes.size(AttributeValue.fromBool(true))).isEqualTo(1);
  }
}
