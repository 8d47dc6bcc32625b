package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import pitr.local.expr.AttributeValues;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class StoreKeyTest {
  private static final List<String> STRINGS =
      List.of(
          "",
          "a",
          "ab",
          "b",
          "z~",
          "\u007f",
          "\u0080",
          "é",
          "ß",
          "\u07ff",
          "\u0800",
          "日本",
          "\ud7ff",
          "\ud83d\ude00",
          "\ud83d",
          "\ude00x",
          "\ue000",
          "\uffff",
          "a\ud83d\ude00",
          "a\uffff");

  @Test
  void sortKeysOfStrings_orderAsDynamoDbsUtf8Order_andDecodeToTheSameValue() {
    List<AttributeValue> values = new ArrayList<>();
    STRINGS.forEach(s -> values.add(AttributeValue.fromS(s)));
    assertOrderMatches(values);
  }

  @Test
  void sortKeysOfNumbersAndBinaries_orderAsValues_andDecodeToTheSameValue() {
    List<AttributeValue> numbers = new ArrayList<>();
    for (String n : List.of("-100", "-9.5", "-1", "0", "0.001", "1", "2", "10", "9.99E+20")) {
      numbers.add(AttributeValue.fromN(n));
    }
    assertOrderMatches(numbers);
    List<AttributeValue> binaries = new ArrayList<>();
    for (byte[] b : List.of(new byte[] {0}, new byte[] {1, 2}, new byte[] {127}, new byte[] {-1})) {
      binaries.add(AttributeValue.fromB(SdkBytes.fromByteArray(b)));
    }
    assertOrderMatches(binaries);
  }

  @Test
  void partitionBounds_encloseEverySortKeyOfTheirPartition_andEqualKeysAreEqual() {
    AttributeValue p = AttributeValue.fromS("日本 partition");
    StoreKey k = StoreKey.of(p, AttributeValue.fromN("5"));

    assertThat(StoreKey.ORDER.compare(StoreKey.partitionStart(p), k)).isNegative();
    assertThat(StoreKey.ORDER.compare(StoreKey.partitionEnd(p), k)).isPositive();
    assertThat(StoreKey.ORDER.compare(StoreKey.hashStart(k.hash()), k)).isNegative();
    assertThat(StoreKey.ORDER.compare(StoreKey.hashStart(StoreKey.HASH_SPACE), k)).isPositive();
    assertThat(StoreKey.of(p, AttributeValue.fromN("5"))).isEqualTo(k).hasSameHashCodeAs(k);
    assertThat(k.partition()).isEqualTo(p);
    assertThat(StoreKey.of(p, null).sort()).isNull();
  }

  private static void assertOrderMatches(List<AttributeValue> values) {
    AttributeValue p = AttributeValue.fromS("p");
    for (AttributeValue a : values) {
      StoreKey ka = StoreKey.of(p, a);
      assertThat(ka.sort()).isEqualTo(a);
      for (AttributeValue b : values) {
        StoreKey kb = StoreKey.of(p, b);
        assertThat(Integer.signum(StoreKey.ORDER.compare(ka, kb)))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(AttributeValues.compare(a, b)));
      }
      StoreKey asPartition =
          StoreKey.of(a.type() == AttributeValue.Type.S && a.s().isEmpty() ? p : a, null);
      assertThat(asPartition.partition()).isIn(a, p);
    }
  }
}
