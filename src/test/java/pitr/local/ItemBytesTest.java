package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemBytesTest {
  private static Map<String, AttributeValue> everyType() {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("pk", AttributeValue.fromS("ascii key"));
    item.put("ünï", AttributeValue.fromS("façade — 日本語 😀"));
    item.put("empty", AttributeValue.fromS(""));
    item.put("n", AttributeValue.fromN("-1.5E+10"));
    item.put("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, -1, 127, -128})));
    item.put("t", AttributeValue.fromBool(true));
    item.put("f", AttributeValue.fromBool(false));
    item.put("nul", AttributeValue.fromNul(true));
    item.put("ss", AttributeValue.fromSs(List.of("a", "é")));
    item.put("ns", AttributeValue.fromNs(List.of("1", "2.5")));
    item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"))));
    item.put(
        "l",
        AttributeValue.fromL(
            List.of(AttributeValue.fromS("in list"), AttributeValue.fromL(List.of()))));
    item.put(
        "m",
        AttributeValue.fromM(
            Map.of("inner", AttributeValue.fromM(Map.of("deep", AttributeValue.fromN("7"))))));
    item.put("long", AttributeValue.fromS("x".repeat(70_000)));
    return item;
  }

  @Test
  void decode_givesBackEveryTypeInTheOrderWritten() {
    Map<String, AttributeValue> item = everyType();

    Map<String, AttributeValue> back = ItemBytes.decode(ItemBytes.encode(item));

    assertThat(back).isEqualTo(item);
    assertThat(back.keySet()).containsExactlyElementsOf(item.keySet());
    assertThatThrownBy(() -> back.put("x", AttributeValue.fromS("y")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void encode_writesTheFormatTheDataDirectoryHolds() {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("pk", AttributeValue.fromS("a"));
    item.put("n", AttributeValue.fromN("1"));
    item.put("é", AttributeValue.fromBool(true));

    byte[] encoded = ItemBytes.encode(item);

    assertThat(encoded)
        .containsExactly(
            3, 2, 'p', 'k', 'S', 1, 'a', 1, 'n', 'N', 1, '1', 2, (byte) 0xC3, (byte) 0xA9, 'T');
  }

  @Test
  void decode_givesBackStringsOfEveryLengthAroundTheShortStringCut() {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    for (int n : new int[] {0, 1, 63, 64, 65, 127, 128, 129, 16_383, 16_384}) {
      item.put("a".repeat(Math.max(1, n)) + n, AttributeValue.fromS("v".repeat(n)));
      item.put("é" + n, AttributeValue.fromS("é".repeat(n)));
      item.put("mixed" + n, AttributeValue.fromS("x".repeat(n) + "日"));
    }
    item.put("lone surrogate", AttributeValue.fromS("a\uD800b"));
    item.put(
        "sets",
        AttributeValue.fromSs(List.of("short", "é", "y".repeat(100), "z".repeat(100) + "ü")));

    Map<String, AttributeValue> back = ItemBytes.decode(ItemBytes.encode(item));

    Map<String, AttributeValue> expected = new LinkedHashMap<>(item);
    // Like String.getBytes, the encoding writes an unpaired surrogate as '?'.
    expected.put("lone surrogate", AttributeValue.fromS("a?b"));
    assertThat(back).isEqualTo(expected);
    assertThat(back.keySet()).containsExactlyElementsOf(item.keySet());
  }

  @Test
  void encode_ofAnItemOf200Bytes_takesLittleMoreThanItsDynamoDbSize() {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("pk", AttributeValue.fromS("item-000000042"));
    item.put("name", AttributeValue.fromS("customer 42 of the scale benchmark"));
    item.put("price", AttributeValue.fromN("42"));
    item.put("payload", AttributeValue.fromS("p".repeat(120)));

    int encoded = ItemBytes.encode(item).length;

    assertThat(encoded).isLessThan((int) (ItemSizes.size(item) * 1.1));
  }

  @Test
  void size_ofEncodedItem_isWhatItemSizesCountsForTheDecodedItem() {
    Map<String, AttributeValue> item = everyType();
    String[] numbers = {
      "0",
      "-0",
      "0.000",
      "7",
      "-7",
      "+7",
      "100",
      "100.5",
      "0.00123",
      "-0.0012300",
      "1.20E+5",
      "1e-130",
      "9.9999999999999999999999999999999999999E+125",
      "12345678901234567890123456789",
      "1000000000000000000000000000000000000000",
      "0.10",
      "1E2",
      "-1.5E+10",
      "5.0e0"
    };
    for (int i = 0; i < numbers.length; i++) {
      item.put("num" + i, AttributeValue.fromN(numbers[i]));
    }
    item.put("numbers", AttributeValue.fromNs(List.of(numbers)));
    item.put("lone surrogate", AttributeValue.fromS("a\uD800b"));

    byte[] encoded = ItemBytes.encode(item);

    assertThat(ItemBytes.size(encoded)).isEqualTo(ItemSizes.size(ItemBytes.decode(encoded)));
    for (String n : numbers) {
      byte[] one = ItemBytes.encode(Map.of("n", AttributeValue.fromN(n)));
      assertThat(ItemBytes.size(one)).as(n).isEqualTo(ItemSizes.size(ItemBytes.decode(one)));
    }
  }

  @Test
  void size_ofRandomNestedItems_isWhatItemSizesCounts() {
    SplittableRandom random = new SplittableRandom(16);
    for (int i = 0; i < 2_000; i++) {
      Map<String, AttributeValue> item = new LinkedHashMap<>();
      int n = 1 + random.nextInt(6);
      for (int a = 0; a < n; a++) {
        item.put("a" + a + (random.nextBoolean() ? "é" : ""), randomValue(random, 3));
      }
      byte[] encoded = ItemBytes.encode(item);

      assertThat(ItemBytes.size(encoded))
          .as("%s", item)
          .isEqualTo(ItemSizes.size(ItemBytes.decode(encoded)));
    }
  }

  private static AttributeValue randomValue(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 0 ? 10 : 8);
    String digits = Long.toString(random.nextLong());
    String number =
        switch (random.nextInt(4)) {
          case 0 -> digits;
          case 1 -> digits + ".0" + random.nextInt(1000) + "00";
          case 2 -> "0.000" + Math.abs(random.nextInt()) + "E+" + random.nextInt(50);
          default -> "-" + random.nextInt(100) + "00";
        };
    String text = "s".repeat(random.nextInt(5)) + (random.nextBoolean() ? "日本" : "");
    return switch (kind) {
      case 0 -> AttributeValue.fromS(text);
      case 1 -> AttributeValue.fromN(number);
      case 2 -> AttributeValue.fromB(SdkBytes.fromByteArray(new byte[random.nextInt(9)]));
      case 3 -> AttributeValue.fromBool(random.nextBoolean());
      case 4 -> AttributeValue.fromNul(true);
      case 5 -> AttributeValue.fromSs(List.of(text + "1", text + "2"));
      case 6 -> AttributeValue.fromNs(List.of(number, "1" + random.nextInt(9)));
      case 7 -> AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String(text + "b")));
      case 8 ->
          AttributeValue.fromL(
              List.of(randomValue(random, depth - 1), randomValue(random, depth - 1)));
      default ->
          AttributeValue.fromM(
              Map.of("x" + text, randomValue(random, depth - 1), "y", randomValue(random, 0)));
    };
  }

  @Test
  void version_sharesItsBytesWithTheVersionARestoreMakesOfIt() {
    Version source = new Version(5, everyType(), null);

    Version restored = source.alone(9);

    assertThat(restored.bytes()).isSameAs(source.bytes());
    assertThat(restored.at()).isEqualTo(9);
    assertThat(restored.size).isEqualTo(source.size);
    assertThat(restored.image()).isEqualTo(everyType());
  }

  @Test
  void durableChain_roundTrips_andChainsOfTheFirstFormatStillLoad() {
    Version older = new Version(1, everyType(), null);
    Version delete = new Version(2, (Map<String, AttributeValue>) null, older);
    Version head = new Version(3, Map.of("pk", AttributeValue.fromS("k")), delete);

    Version back = ItemCodec.decodeChain(ItemCodec.encodeChain(head));

    assertThat(back.depth()).isEqualTo(3);
    assertThat(back.image()).isEqualTo(head.image());
    assertThat(back.previous().exists()).isFalse();
    assertThat(back.previous().previous().image()).isEqualTo(everyType());
    assertThat(back.previous().previous().size).isEqualTo(older.size);

    byte[] firstFormat = ItemCodec.encodeFirstFormatChain(head);
    Version old = ItemCodec.decodeChain(firstFormat);
    assertThat(old.depth()).isEqualTo(3);
    assertThat(old.previous().previous().image()).isEqualTo(everyType());
  }
}
