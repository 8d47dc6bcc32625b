package pitr.rollback;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB item size and write units (1 KB each, rounded up), for plan estimates. */
final class ItemSize {
  private ItemSize() {}

  static long writeUnits(Map<String, AttributeValue> item) {
    return Math.max(1, (bytes(item) + 1023) / 1024);
  }

  static long bytes(Map<String, AttributeValue> item) {
    long n = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      n += utf8(e.getKey()) + bytes(e.getValue());
    }
    return n;
  }

  private static long bytes(AttributeValue v) {
    if (v.s() != null) {
      return utf8(v.s());
    }
    if (v.n() != null) {
      return (v.n().length() + 1) / 2 + 1;
    }
    if (v.b() != null) {
      return v.b().asByteArray().length;
    }
    if (v.bool() != null || v.nul() != null) {
      return 1;
    }
    long n = 3;
    if (v.hasM()) {
      n += bytes(v.m()) + v.m().size();
    } else if (v.hasL()) {
      for (AttributeValue x : v.l()) {
        n += bytes(x) + 1;
      }
    } else if (v.hasSs()) {
      n = v.ss().stream().mapToLong(ItemSize::utf8).sum();
    } else if (v.hasNs()) {
      n = v.ns().stream().mapToLong(x -> (x.length() + 1) / 2 + 1).sum();
    } else if (v.hasBs()) {
      n = v.bs().stream().mapToLong(x -> x.asByteArray().length).sum();
    }
    return n;
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
