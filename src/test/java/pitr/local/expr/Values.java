package pitr.local.expr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short constructors for attribute values in tests. */
final class Values {
  private Values() {}

  static AttributeValue s(String s) {
    return AttributeValue.fromS(s);
  }

  static AttributeValue n(String n) {
    return AttributeValue.fromN(n);
  }

  static AttributeValue n(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  static AttributeValue b(String utf8) {
    return AttributeValue.fromB(SdkBytes.fromString(utf8, StandardCharsets.UTF_8));
  }

  static AttributeValue bool(boolean b) {
    return AttributeValue.fromBool(b);
  }

  static AttributeValue nul() {
    return AttributeValue.fromNul(true);
  }

  static AttributeValue ss(String... values) {
    return AttributeValue.fromSs(Arrays.asList(values));
  }

  static AttributeValue ns(String... values) {
    return AttributeValue.fromNs(Arrays.asList(values));
  }

  static AttributeValue bs(String... utf8) {
    return AttributeValue.fromBs(
        Arrays.stream(utf8).map(u -> SdkBytes.fromString(u, StandardCharsets.UTF_8)).toList());
  }

  static AttributeValue l(AttributeValue... values) {
    return AttributeValue.fromL(Arrays.asList(values));
  }

  /** A map value from alternating keys and values. */
  static AttributeValue m(Object... keysAndValues) {
    return AttributeValue.fromM(item(keysAndValues));
  }

  /** An item from alternating attribute names and values. */
  static Map<String, AttributeValue> item(Object... keysAndValues) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], (AttributeValue) keysAndValues[i + 1]);
    }
    return out;
  }
}
