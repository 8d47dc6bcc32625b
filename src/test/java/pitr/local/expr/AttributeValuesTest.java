package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class AttributeValuesTest {
  @Test
  void compareUtf8_ordersLikeUtf8Bytes_includingSurrogatesAndHighBmp() {
    List<String> samples =
        List.of(
            "", "a", "ab", "b", "é", "\uE000", "\uFFFD", "\uD83D\uDE00", "\uD800\uDC00", "z\uD83D");
    Random random = new Random(1);
    char[] alphabet = {'a', 'Z', '\u00e9', '\u4e2d', '\uE000', '\uFFEE', '\uD83D', '\uDE00'};
    java.util.ArrayList<String> all = new java.util.ArrayList<>(samples);
    for (int i = 0; i < 300; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(5);
      for (int j = 0; j < len; j++) {
        sb.append(alphabet[random.nextInt(alphabet.length)]);
      }
      all.add(sb.toString());
    }
    for (String x : all) {
      for (String y : all) {
        int expected =
            Integer.signum(
                Arrays.compareUnsigned(
                    x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        // Unpaired surrogates encode as '?', so only compare well-formed pairs against bytes.
        if (isWellFormed(x) && isWellFormed(y)) {
          assertThat(Integer.signum(AttributeValues.compareUtf8(x, y)))
              .as("%s vs %s", x, y)
              .isEqualTo(expected);
        }
      }
    }
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void equal_comparesNumbersByValueAndSetsWithoutOrder() {
    assertThat(AttributeValues.equal(AttributeValue.fromN("1.50"), AttributeValue.fromN("1.5")))
        .isTrue();
    assertThat(
            AttributeValues.equal(
                AttributeValue.fromSs(List.of("a", "b")), AttributeValue.fromSs(List.of("b", "a"))))
        .isTrue();
    assertThat(AttributeValues.equal(AttributeValue.fromS("1"), AttributeValue.fromN("1")))
        .isFalse();
  }

  @Test
  void itemSizeBound_isNeverBelowTheSize_forEveryKindOfValue() {
    java.util.Map<String, AttributeValue> item =
        java.util.Map.of(
            "s",
            AttributeValue.fromS("caf\u00e9 \ud83d\ude00"),
            "n",
            AttributeValue.fromN("-1.2345678901234567890123456789012345678E+125"),
            "b",
            AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromUtf8String("bytes")),
            "ss",
            AttributeValue.fromSs(List.of("\u20ac", "a")),
            "ns",
            AttributeValue.fromNs(List.of("1", "99999999999999999999999999999999999999")),
            "l",
            AttributeValue.fromL(
                List.of(AttributeValue.fromBool(true), AttributeValue.fromNul(true))),
            "m\u00e9",
            AttributeValue.fromM(java.util.Map.of("\u00e9", AttributeValue.fromS("\u00e9\u00e9"))));
    assertThat(AttributeValues.itemSizeBound(item)).isGreaterThanOrEqualTo(ItemSizes.size(item));
    for (var e : item.entrySet()) {
      assertThat(AttributeValues.itemSizeBound(java.util.Map.of(e.getKey(), e.getValue())))
          .as(e.getKey())
          .isGreaterThanOrEqualTo(ItemSizes.size(java.util.Map.of(e.getKey(), e.getValue())));
    }
  }
}
