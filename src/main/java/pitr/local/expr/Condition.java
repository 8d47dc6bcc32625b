package pitr.local.expr;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The parsed tree of a condition. Every node evaluates without allocation beyond what the operands
 * need, so a filter can be tested against every scanned item.
 */
sealed interface Condition extends ConditionExpression {

  /** Both sides hold; the right side is not evaluated when the left is false. */
  record And(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      return left.test(item) && right.test(item);
    }
  }

  /** Either side holds. */
  record Or(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      return left.test(item) || right.test(item);
    }
  }

  /** Negation. */
  record Not(Condition inner) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      return !inner.test(item);
    }
  }

  /** The six comparators, spelled as in expressions. */
  enum Comparator {
    EQ("="),
    NE("<>"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    final String symbol;

    Comparator(String symbol) {
      this.symbol = symbol;
    }
  }

  /**
   * A comparison. Values of different types are unequal and unordered rather than an error, and a
   * missing operand is unequal to everything, so {@code <>} holds for a missing attribute.
   */
  record Compare(Comparator op, Operand left, Operand right) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      AttributeValue a = left.eval(item);
      AttributeValue b = right.eval(item);
      return switch (op) {
        case EQ -> a != null && b != null && AttributeValues.equal(a, b);
        case NE -> a == null || b == null || !AttributeValues.equal(a, b);
        default -> {
          if (!comparable(a, b)) {
            yield false;
          }
          int c = AttributeValues.compare(a, b);
          yield switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            default -> c >= 0;
          };
        }
      };
    }
  }

  /** {@code value BETWEEN low AND high}, both bounds inclusive. */
  record Between(Operand value, Operand low, Operand high) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      AttributeValue v = value.eval(item);
      AttributeValue lo = low.eval(item);
      AttributeValue hi = high.eval(item);
      return comparable(v, lo)
          && comparable(v, hi)
          && AttributeValues.compare(v, lo) >= 0
          && AttributeValues.compare(v, hi) <= 0;
    }
  }

  /** {@code value IN (a, b, ...)}: equal to any candidate. */
  record In(Operand value, List<Operand> candidates) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      AttributeValue v = value.eval(item);
      if (v == null) {
        return false;
      }
      for (Operand candidate : candidates) {
        AttributeValue c = candidate.eval(item);
        if (c != null && AttributeValues.equal(v, c)) {
          return true;
        }
      }
      return false;
    }
  }

  /** {@code attribute_exists(path)} or, with {@code exists} false, attribute_not_exists. */
  record AttributeExists(DocumentPath path, boolean exists) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      return (path.resolve(item) != null) == exists;
    }
  }

  /** {@code attribute_type(path, :t)} with the type name already read from the placeholder. */
  record AttributeType(DocumentPath path, String typeName) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      AttributeValue v = path.resolve(item);
      return v != null && AttributeValues.typeName(v).equals(typeName);
    }
  }

  /** {@code begins_with(value, prefix)} on strings and binaries. */
  record BeginsWith(Operand value, Operand prefix) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      AttributeValue v = value.eval(item);
      AttributeValue p = prefix.eval(item);
      return v != null && p != null && AttributeValues.beginsWith(v, p);
    }
  }

  /**
   * {@code contains(container, operand)}: substring of a string, member of a set of the matching
   * scalar type, or an element of a list.
   */
  record Contains(Operand container, Operand operand) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      AttributeValue c = container.eval(item);
      AttributeValue v = operand.eval(item);
      return c != null && v != null && AttributeValues.contains(c, v);
    }
  }

  private static boolean comparable(AttributeValue a, AttributeValue b) {
    return a != null && b != null && a.type() == b.type() && AttributeValues.isOrderable(a);
  }
}
