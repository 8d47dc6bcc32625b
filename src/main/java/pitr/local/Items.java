package pitr.local;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pitr.dynamo.ItemSizes;
import pitr.local.expr.AttributeValues;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB's item rules: well-formed values, number precision and range, no empty or duplicate
 * sets, the 400 KB item limit, key presence and types. Validation also normalises numbers to their
 * canonical text ("1.50" is stored as "1.5"), as DynamoDB does.
 */
public final class Items {
  public static final long MAX_ITEM_BYTES = 400 * 1024;
  private static final BigDecimal MAX_MAGNITUDE =
      new BigDecimal("9.9999999999999999999999999999999999999E+125");
  private static final BigDecimal MIN_MAGNITUDE = new BigDecimal("1E-130");

  /** A number in E-notation, whatever its exponent; group 1 is the exponent's sign. */
  private static final Pattern HUGE_EXPONENT =
      Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)[eE]([+-]?)\\d+");

  /**
   * How many maps and lists may nest inside an item: with the item itself, DynamoDB's 32 levels. A
   * value wrapped in 31 maps is stored, one wrapped in 32 is refused.
   */
  public static final int MAX_NESTED_DOCUMENTS = 31;

  private Items() {}

  /**
   * Validates and normalises a whole item to be written; returns an unmodifiable view. The input is
   * copied only when a value had to change: the SDK's request maps are already immutable, and the
   * engine's own maps (update results) are not shared.
   */
  public static Map<String, AttributeValue> normaliseItem(Map<String, AttributeValue> item) {
    return normaliseItem(item, "Item size has exceeded the maximum allowed size");
  }

  /**
   * Validates and normalises the item an update leaves, refusing one over 400 KB in UpdateItem's
   * words.
   */
  public static Map<String, AttributeValue> normaliseUpdatedItem(Map<String, AttributeValue> item) {
    return normaliseItem(item, "Item size to update has exceeded the maximum allowed size");
  }

  private static Map<String, AttributeValue> normaliseItem(
      Map<String, AttributeValue> item, String tooLarge) {
    Map<String, AttributeValue> out = item;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw Errors.validation(
            "One or more parameter values are not valid. A value specified for a secondary index"
                + " key is not supported. The AttributeValue for a key attribute cannot contain an"
                + " empty string value.");
      }
      AttributeValue n = normalise(e.getValue(), 0);
      if (n != e.getValue()) {
        if (out == item) {
          out = new LinkedHashMap<>(item);
        }
        out.put(e.getKey(), n);
      }
    }
    if (AttributeValues.itemSizeBound(out) > MAX_ITEM_BYTES
        && ItemSizes.size(out) > MAX_ITEM_BYTES) {
      throw Errors.validation(tooLarge);
    }
    return out == item && isUnmodifiable(item) ? item : java.util.Collections.unmodifiableMap(out);
  }

  private static final Class<?> UNMODIFIABLE_MAP =
      java.util.Collections.unmodifiableMap(new java.util.HashMap<>()).getClass();

  public static boolean isUnmodifiable(Map<?, ?> map) {
    return map.getClass() == UNMODIFIABLE_MAP
        || map instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap;
  }

  /** Validates and normalises one value; returns the same instance when nothing changes. */
  public static AttributeValue normalise(AttributeValue v) {
    return normalise(v, 0);
  }

  /**
   * Validates and normalises {@code v}, which lies inside {@code depth} maps and lists of the item;
   * the depth is counted on the walk the validation makes anyway, so a flat item pays nothing.
   */
  private static AttributeValue normalise(AttributeValue v, int depth) {
    if (v == null || v.type() == null || v.type() == AttributeValue.Type.UNKNOWN_TO_SDK_VERSION) {
      throw Errors.validation(
          "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    }
    switch (v.type()) {
      case N -> {
        String n = number(v.n());
        return n.equals(v.n()) ? v : AttributeValue.fromN(n);
      }
      case NS -> {
        checkNotEmpty(v);
        List<String> out = new ArrayList<>(v.ns().size());
        HashSet<String> seen = new HashSet<>();
        boolean changed = false;
        for (String s : v.ns()) {
          String n = number(s);
          changed |= !n.equals(s);
          if (!seen.add(n)) {
            throw Errors.validation("Input collection " + v.ns() + " contains duplicates.");
          }
          out.add(n);
        }
        return changed ? AttributeValue.fromNs(out) : v;
      }
      case SS -> {
        checkNotEmpty(v);
        if (new HashSet<>(v.ss()).size() != v.ss().size()) {
          throw Errors.validation("Input collection " + v.ss() + " contains duplicates.");
        }
        return v;
      }
      case BS -> {
        checkNotEmpty(v);
        if (new HashSet<SdkBytes>(v.bs()).size() != v.bs().size()) {
          throw Errors.validation("Input collection contains duplicates.");
        }
        return v;
      }
      case L -> {
        checkNesting(depth);
        List<AttributeValue> out = null;
        List<AttributeValue> l = v.l();
        for (int i = 0; i < l.size(); i++) {
          AttributeValue e = l.get(i);
          AttributeValue n = normalise(e, depth + 1);
          if (n != e && out == null) {
            out = new ArrayList<>(l.subList(0, i));
          }
          if (out != null) {
            out.add(n);
          }
        }
        return out == null ? v : AttributeValue.fromL(out);
      }
      case M -> {
        checkNesting(depth);
        Map<String, AttributeValue> out = null;
        for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
          AttributeValue n = normalise(e.getValue(), depth + 1);
          if (n != e.getValue() && out == null) {
            out = new LinkedHashMap<>(v.m());
          }
          if (out != null) {
            out.put(e.getKey(), n);
          }
        }
        return out == null ? v : AttributeValue.fromM(out);
      }
      default -> {
        return v;
      }
    }
  }

  private static void checkNotEmpty(AttributeValue set) {
    String empty = AttributeValues.emptySet(set);
    if (empty != null) {
      throw Errors.validation(empty);
    }
  }

  /** Refuses a map or list that lies inside {@code depth} others when that is one too many. */
  private static void checkNesting(int depth) {
    if (depth >= MAX_NESTED_DOCUMENTS) {
      throw Errors.validation(
          "Nesting Levels have exceeded supported limits: Attributes in the item have nested"
              + " levels beyond supported limit");
    }
  }

  /** Canonical text of a DynamoDB number, rejecting what DynamoDB rejects. */
  public static String number(String text) {
    BigDecimal d;
    try {
      d = new BigDecimal(text.trim());
    } catch (NumberFormatException | NullPointerException e) {
      Matcher huge = text == null ? null : HUGE_EXPONENT.matcher(text.trim());
      if (huge != null && huge.matches()) {
        // Well formed, but its exponent is beyond what BigDecimal holds: far out of range.
        throw huge.group(1).equals("-") ? underflow() : overflow();
      }
      throw Errors.validation("A value provided cannot be converted into a number");
    }
    if (d.signum() == 0) {
      // Zero is range-checked by the exponent it is written with: 0e126 is refused, as 1e126 is.
      long exponent = (long) d.precision() - 1 - d.scale();
      if (exponent > 125) {
        throw overflow();
      }
      if (exponent < -130) {
        throw underflow();
      }
      return "0";
    }
    d = d.stripTrailingZeros();
    if (d.precision() > 38) {
      throw Errors.validation("Attempting to store more than 38 significant digits in a Number");
    }
    BigDecimal abs = d.abs();
    if (abs.compareTo(MAX_MAGNITUDE) > 0) {
      throw overflow();
    }
    if (abs.compareTo(MIN_MAGNITUDE) < 0) {
      throw underflow();
    }
    // DynamoDB answers plain digits even at the edges of the range: 1E-130 reads back as 0.0…01.
    return d.toPlainString();
  }

  private static RuntimeException overflow() {
    return Errors.validation(
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
  }

  private static RuntimeException underflow() {
    return Errors.validation(
        "Number underflow. Attempting to store a number with magnitude smaller than supported range");
  }

  /** Checks a key attribute's presence, type and non-emptiness in an item being written. */
  public static void checkKeyAttribute(
      Map<String, AttributeValue> item, String name, ScalarAttributeType type, boolean partition) {
    AttributeValue v = item.get(name);
    if (v == null) {
      throw Errors.validation(
          "One or more parameter values were invalid: Missing the key " + name + " in the item");
    }
    checkKeyType(name, type, v, "", partition);
  }

  public static void checkKeyType(
      String name, ScalarAttributeType type, AttributeValue v, String index, boolean partition) {
    String actual = v.type() == null ? "null" : AttributeValues.typeName(v);
    if (!actual.equals(type.toString())) {
      if (index.isEmpty()) {
        throw Errors.validation(
            "One or more parameter values were invalid: Type mismatch for key "
                + name
                + " expected: "
                + type
                + " actual: "
                + actual);
      }
      throw Errors.validation(
          "One or more parameter values were invalid: Type mismatch for Index Key "
              + name
              + " Expected: "
              + type
              + " Actual: "
              + actual
              + " IndexName: "
              + index);
    }
    boolean empty =
        (v.type() == AttributeValue.Type.S && v.s().isEmpty())
            || (v.type() == AttributeValue.Type.B && v.b().asByteArrayUnsafe().length == 0);
    if (empty) {
      throw Errors.validation(
          "One or more parameter values are not valid. The AttributeValue for a key attribute"
              + " cannot contain an empty "
              + (v.type() == AttributeValue.Type.S ? "string" : "binary")
              + " value. "
              + (index.isEmpty() ? "Key: " : "IndexName: " + index + ", IndexKey: ")
              + name);
    }
    long length =
        v.type() == AttributeValue.Type.S
            ? ItemSizes.utf8Length(v.s())
            : v.type() == AttributeValue.Type.B ? v.b().asByteArrayUnsafe().length : 0;
    if (partition && length > 2048) {
      throw Errors.validation(
          "One or more parameter values were invalid: Size of hashkey has exceeded the maximum"
              + " size limit of 2048 bytes");
    }
    if (!partition && length > 1024) {
      throw Errors.validation(
          "One or more parameter values were invalid: Aggregated size of all range keys has"
              + " exceeded the size limit of 1024 bytes");
    }
  }
}
