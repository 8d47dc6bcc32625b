package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class PackedEntriesTest {
  private static final String SHA = ItemHash.of(Map.of("pk", AttributeValue.fromS("x")));

  private static List<PackedEntries.Decoded> read(AttributeValue packed, long first) {
    List<PackedEntries.Decoded> out = new ArrayList<>();
    PackedEntries.read(packed, first, "run#03 000000020000000100", out::add);
    return out;
  }

  @Test
  void entries_readBackAsWritten_forEveryOperationHashAndKeyType() {
    Map<String, AttributeValue> s = Map.of("pk", AttributeValue.fromS("item#00000001"));
    Map<String, AttributeValue> composite =
        Map.of(
            "pk", AttributeValue.fromS("ünïcode/" + "x".repeat(300)),
            "sk", AttributeValue.fromN("-1.50E+3"));
    Map<String, AttributeValue> binary =
        Map.of("id", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, -1, 7})));

    AttributeValue packed =
        new PackedEntries.Writer(256)
            .add(256, PackedEntries.UPDATE, -1, 0, SHA, s)
            .add(257, PackedEntries.PUT, -1, -1, ItemHash.UNKNOWN, composite)
            .add(400, PackedEntries.DELETE, -1, 1234567, ItemHash.DELETED, binary)
            .add(70_000, PackedEntries.WITHDRAW, 257, -1, null, composite)
            .value();

    assertThat(read(packed, 256))
        .containsExactly(
            new PackedEntries.Decoded(256, WriteOp.UPDATE, -1, SHA, "0", s),
            new PackedEntries.Decoded(257, WriteOp.PUT, -1, ItemHash.UNKNOWN, null, composite),
            new PackedEntries.Decoded(400, WriteOp.DELETE, -1, ItemHash.DELETED, "1234567", binary),
            new PackedEntries.Decoded(70_000, null, 257, null, null, composite));
  }

  @Test
  void entry_ofAShortKey_takesAboutHalfTheBytesOfAListEntry() {
    Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("item#00000001"));

    PackedEntries.Writer w =
        new PackedEntries.Writer(1).add(1, PackedEntries.UPDATE, -1, 0, SHA, key);

    // A list entry: 3 + k(1 + 3 + 2 + 13) + q(1 + 10) + o(1 + 6) + h(1 + 64) + p(1 + 1) + 1.
    assertThat(w.size() - 1).isLessThanOrEqualTo(55);
  }

  @Test
  void read_ofAnotherVersion_refusesNamingTheItem() {
    AttributeValue packed = AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {2, 0}));

    assertThatThrownBy(() -> read(packed, 1))
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "journal item run#03 000000020000000100 holds entries packed in version 2, which this"
                + " pitr cannot read; read this run with the pitr version that wrote it")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.REFUSED);
  }

  @Test
  void read_ofAValueCutShort_failsNamingTheItem() {
    byte[] whole =
        new PackedEntries.Writer(1)
            .add(1, PackedEntries.PUT, -1, -1, SHA, Map.of("pk", AttributeValue.fromS("a")))
            .value()
            .b()
            .asByteArray();
    AttributeValue cut =
        AttributeValue.fromB(SdkBytes.fromByteArray(Arrays.copyOf(whole, whole.length - 2)));

    assertThatThrownBy(() -> read(cut, 1))
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith("journal item run#03 000000020000000100 holds packed entries cut")
        .hasMessageEndingWith("; the journal table was changed outside pitr");
  }
}
