package pitr.dynamo;

import java.math.BigDecimal;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's item-size and capacity-unit arithmetic: an item's size is the UTF-8 length of its
 * attribute names plus the size of its values; a write unit covers 1 KB, a read unit 4 KB (half a
 * unit for an eventually consistent read).
 */
public final class ItemSizes {
  private static final long WRITE_UNIT_BYTES = 1024;
  private static final long READ_UNIT_BYTES = 4096;

  private ItemSizes() {}

  /** The size DynamoDB charges for {@code item}, in bytes. */
  public static long size(Map<String, AttributeValue> item) {
    long total = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      total += utf8Length(e.getKey()) + size(e.getValue());
    }
    return total;
  }

  /** The size of one attribute value, in bytes. */
  public static long size(AttributeValue v) {
    return switch (v.type()) {
      case S -> utf8Length(v.s());
      case N -> numberSize(v.n());
      case B -> v.b().asByteArrayUnsafe().length;
      case BOOL, NUL -> 1;
      case SS -> v.ss().stream().mapToLong(ItemSizes::utf8Length).sum();
      case NS -> v.ns().stream().mapToLong(ItemSizes::numberSize).sum();
      case BS -> v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
      case L -> 3 + v.l().stream().mapToLong(e -> 1 + size(e)).sum();
      case M ->
          3
              + v.m().entrySet().stream()
                  .mapToLong(e -> 1 + utf8Length(e.getKey()) + size(e.getValue()))
                  .sum();
      default -> 0;
    };
  }

  /** Write units to put or delete an item of {@code bytes}: whole KB, at least one. */
  public static long writeUnits(long bytes) {
    return Math.max(1, (bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
  }

  /** Write units to put {@code item}. */
  public static long writeUnits(Map<String, AttributeValue> item) {
    return writeUnits(size(item));
  }

  /** Read units for reading {@code bytes} in one request: whole 4 KB, halved if eventual. */
  public static double readUnits(long bytes, boolean consistent) {
    double units = Math.max(1, (bytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES);
    return consistent ? units : units / 2;
  }

  /** The UTF-8 length of {@code s}, without encoding it. */
  public static long utf8Length(String s) {
    // Most strings are ASCII: count that prefix with one compare a character.
    int length = s.length();
    int ascii = 0;
    while (ascii < length && s.charAt(ascii) < 0x80) {
      ascii++;
    }
    if (ascii == length) {
      return length;
    }
    long n = ascii;
    for (int i = ascii; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < length) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static long numberSize(String n) {
    BigDecimal d = new BigDecimal(n).stripTrailingZeros();
    int digits = Math.max(1, d.precision());
    return (digits + 1) / 2 + 1;
  }
}
