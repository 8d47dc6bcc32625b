package pitr.local.expr;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A value-producing term of an expression: a path, a placeholder value, or a function of them. */
sealed interface Operand {

  /** The operand's value for {@code item}; null when a path it reads is missing. */
  AttributeValue eval(Map<String, AttributeValue> item);

  /** The referenced attribute, read from the item. */
  record Path(DocumentPath path) implements Operand {
    @Override
    public AttributeValue eval(Map<String, AttributeValue> item) {
      return path.resolve(item);
    }
  }

  /** An ExpressionAttributeValues entry, fixed at parse time. */
  record Constant(String placeholder, AttributeValue value) implements Operand {
    @Override
    public AttributeValue eval(Map<String, AttributeValue> item) {
      return value;
    }
  }

  /**
   * {@code size(path)}: string length in UTF-16 code units (what DynamoDB reports), binary length
   * in bytes, element count of sets, lists and maps; no value for other types.
   */
  record Size(DocumentPath path) implements Operand {
    @Override
    public AttributeValue eval(Map<String, AttributeValue> item) {
      AttributeValue v = path.resolve(item);
      if (v == null) {
        return null;
      }
      long size =
          switch (v.type()) {
            case S -> v.s().length();
            case B -> v.b().asByteArrayUnsafe().length;
            case SS -> v.ss().size();
            case NS -> v.ns().size();
            case BS -> v.bs().size();
            case L -> v.l().size();
            case M -> v.m().size();
            default -> -1;
          };
      return size < 0 ? null : AttributeValue.fromN(Long.toString(size));
    }
  }

  /** {@code if_not_exists(path, fallback)} of an update's SET action. */
  record IfNotExists(DocumentPath path, Operand fallback) implements Operand {
    @Override
    public AttributeValue eval(Map<String, AttributeValue> item) {
      AttributeValue v = path.resolve(item);
      return v != null ? v : required(fallback.eval(item));
    }
  }

  /** {@code list_append(first, second)} of an update's SET action. */
  record ListAppend(Operand first, Operand second) implements Operand {
    @Override
    public AttributeValue eval(Map<String, AttributeValue> item) {
      AttributeValue a = required(first.eval(item));
      AttributeValue b = required(second.eval(item));
      if (a.type() != AttributeValue.Type.L || b.type() != AttributeValue.Type.L) {
        throw incorrectType();
      }
      List<AttributeValue> joined = new ArrayList<>(a.l().size() + b.l().size());
      joined.addAll(a.l());
      joined.addAll(b.l());
      return AttributeValue.fromL(joined);
    }
  }

  /** {@code left + right} or {@code left - right} of an update's SET action. */
  record Arithmetic(Operand left, boolean plus, Operand right) implements Operand {
    @Override
    public AttributeValue eval(Map<String, AttributeValue> item) {
      AttributeValue a = required(left.eval(item));
      AttributeValue b = required(right.eval(item));
      if (a.type() != AttributeValue.Type.N || b.type() != AttributeValue.Type.N) {
        throw incorrectType();
      }
      BigDecimal x = new BigDecimal(a.n());
      BigDecimal y = new BigDecimal(b.n());
      return number(plus ? x.add(y) : x.subtract(y));
    }
  }

  /** The path this operand reads directly, or null when it is not a bare path. */
  default DocumentPath pathOrNull() {
    return this instanceof Path p ? p.path() : null;
  }

  static AttributeValue number(BigDecimal d) {
    // DynamoDB stores numbers normalized: 1.50 + 1.50 reads back as 3.
    return AttributeValue.fromN(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
  }

  static AttributeValue required(AttributeValue v) {
    if (v == null) {
      throw new ExpressionException(
          "The provided expression refers to an attribute that does not exist in the item");
    }
    return v;
  }

  static ExpressionException incorrectType() {
    return new ExpressionException(
        "An operand in the update expression has an incorrect data type");
  }
}
