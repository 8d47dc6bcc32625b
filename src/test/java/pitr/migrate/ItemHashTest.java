package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The canonical encoding is the journal's contract with rollbacks; these pin it down. */
class ItemHashTest {
  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void canonical_sortsNamesAndSetMembers_andWritesEveryValueWithTypeAndLength() throws Exception {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("pk", AttributeValue.fromS("a"));
    item.put("n", AttributeValue.fromN("1.50"));
    item.put("b", AttributeValue.fromBool(true));
    item.put(
        "l", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromN("2"))));
    item.put(
        "m",
        AttributeValue.fromM(
            Map.of(
                "z", AttributeValue.fromNul(true), "a", AttributeValue.fromSs(List.of("b", "a")))));
    String expected =
        "M{1:b=T;1:l=L[S1:xN1:2];1:m=M{1:a=SS[1:a,1:b,];1:z=0;};1:n=N3:1.5;2:pk=S1:a;}";

    assertThat(ItemHash.canonical(item)).isEqualTo(expected);
    assertThat(ItemHash.of(item)).isEqualTo(sha256(expected));
  }

  @Test
  void numbers_hashAsDynamoDbStoresThem() throws Exception {
    for (String[] n :
        new String[][] {
          {"100", "100"},
          {"-0", "0"},
          {"0", "0"},
          {"007", "7"},
          {"-12", "-12"},
          {"1e3", "1000"},
          {"0.10", "0.1"},
          {"+5", "5"}
        }) {
      Map<String, AttributeValue> item = Map.of("v", AttributeValue.fromN(n[0]));

      assertThat(ItemHash.of(item))
          .as(n[0])
          .isEqualTo(sha256("M{1:v=N" + n[1].length() + ":" + n[1] + ";}"));
    }
  }

  @Test
  void textBeyondAscii_hashesItsUtf8_andLengthsCountUtf16Units() throws Exception {
    Map<String, AttributeValue> item = Map.of("name", AttributeValue.fromS("Zoë 🚗"));

    assertThat(ItemHash.of(item)).isEqualTo(sha256("M{4:name=S6:Zoë 🚗;}"));
  }

  @Test
  void equalItems_hashEqual_whateverTheOrderOfTheirAttributes() {
    Map<String, AttributeValue> a = new LinkedHashMap<>();
    a.put("pk", AttributeValue.fromS("k"));
    a.put("v", AttributeValue.fromN("1"));
    Map<String, AttributeValue> b = new LinkedHashMap<>();
    b.put("v", AttributeValue.fromN("1.0"));
    b.put("pk", AttributeValue.fromS("k"));

    assertThat(ItemHash.of(a)).isEqualTo(ItemHash.of(b)).isNotEqualTo(ItemHash.of(Map.of()));
  }
}
