package pitr.local.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a parsed condition as a KeyConditionExpression: a conjunction of an equality on the
 * partition key and at most one comparison, BETWEEN or begins_with on the sort key, each refused
 * with DynamoDB's message otherwise.
 */
final class KeyConditions {
  private KeyConditions() {}

  /**
   * The key conditions of {@code tree}.
   *
   * @param partitionKeyName the table's or index's partition key when known, to tell the two
   *     conditions apart when both are equalities; null to take the first equality
   * @param kind the expression's parameter name, for messages
   */
  static KeyConditionExpression of(Condition tree, String partitionKeyName, String kind) {
    List<Condition> terms = new ArrayList<>();
    flattenAnd(tree, terms);
    List<SortKeyCondition> keys = new ArrayList<>();
    for (Condition term : terms) {
      keys.add(keyTerm(term));
    }
    if (keys.size() > 2) {
      throw keyConditionNotSupported();
    }
    if (keys.size() == 2 && keys.get(0).attribute().equals(keys.get(1).attribute())) {
      throw new ExpressionException(
          "Invalid " + kind + ": KeyConditionExpressions must only contain one condition per key");
    }
    int partition = -1;
    for (int i = 0; i < keys.size(); i++) {
      SortKeyCondition k = keys.get(i);
      if (k.operator() != SortKeyCondition.Operator.EQ) {
        continue;
      }
      if (partition < 0 || k.attribute().equals(partitionKeyName)) {
        partition = i;
      }
    }
    if (partition < 0) {
      throw keyConditionNotSupported();
    }
    SortKeyCondition hash = keys.get(partition);
    SortKeyCondition range = keys.size() == 2 ? keys.get(1 - partition) : null;
    return new KeyConditionExpression(hash.attribute(), hash.value(), Optional.ofNullable(range));
  }

  private static void flattenAnd(Condition c, List<Condition> out) {
    if (c instanceof Condition.And and) {
      flattenAnd(and.left(), out);
      flattenAnd(and.right(), out);
    } else {
      out.add(c);
    }
  }

  private static SortKeyCondition keyTerm(Condition term) {
    if (term instanceof Condition.Or) {
      throw invalidKeyOperator("OR");
    }
    if (term instanceof Condition.Not) {
      throw invalidKeyOperator("NOT");
    }
    if (term instanceof Condition.In) {
      throw invalidKeyOperator("IN");
    }
    if (term instanceof Condition.AttributeExists e) {
      throw invalidKeyOperator(e.exists() ? "attribute_exists" : "attribute_not_exists");
    }
    if (term instanceof Condition.AttributeType) {
      throw invalidKeyOperator("attribute_type");
    }
    if (term instanceof Condition.Contains) {
      throw invalidKeyOperator("contains");
    }
    if (term instanceof Condition.Compare c) {
      if (c.op() == Condition.Comparator.NE) {
        throw invalidKeyOperator("<>");
      }
      rejectSize(c.left(), c.right());
      SortKeyCondition.Operator op = keyOperator(c.op());
      if (c.left() instanceof Operand.Constant v && c.right() instanceof Operand.Path p) {
        return new SortKeyCondition(keyName(p), flip(op), v.value(), null);
      }
      if (c.left() instanceof Operand.Path p && c.right() instanceof Operand.Constant v) {
        return new SortKeyCondition(keyName(p), op, v.value(), null);
      }
      throw keyConditionNotSupported();
    }
    if (term instanceof Condition.Between b) {
      rejectSize(b.value(), b.low(), b.high());
      if (b.value() instanceof Operand.Path p
          && b.low() instanceof Operand.Constant lo
          && b.high() instanceof Operand.Constant hi) {
        return new SortKeyCondition(
            keyName(p), SortKeyCondition.Operator.BETWEEN, lo.value(), hi.value());
      }
      throw keyConditionNotSupported();
    }
    Condition.BeginsWith bw = (Condition.BeginsWith) term;
    rejectSize(bw.value(), bw.prefix());
    if (bw.value() instanceof Operand.Path p && bw.prefix() instanceof Operand.Constant v) {
      return new SortKeyCondition(
          keyName(p), SortKeyCondition.Operator.BEGINS_WITH, v.value(), null);
    }
    throw keyConditionNotSupported();
  }

  private static void rejectSize(Operand... operands) {
    for (Operand o : operands) {
      if (o instanceof Operand.Size) {
        throw invalidKeyOperator("size");
      }
    }
  }

  private static String keyName(Operand.Path p) {
    if (p.path().length() != 1) {
      throw keyConditionNotSupported();
    }
    return p.path().topLevel();
  }

  private static SortKeyCondition.Operator keyOperator(Condition.Comparator op) {
    return switch (op) {
      case EQ -> SortKeyCondition.Operator.EQ;
      case LT -> SortKeyCondition.Operator.LT;
      case LE -> SortKeyCondition.Operator.LE;
      case GT -> SortKeyCondition.Operator.GT;
      default -> SortKeyCondition.Operator.GE;
    };
  }

  /** The operator seen from the other side: {@code :v < sk} means {@code sk > :v}. */
  private static SortKeyCondition.Operator flip(SortKeyCondition.Operator op) {
    return switch (op) {
      case LT -> SortKeyCondition.Operator.GT;
      case LE -> SortKeyCondition.Operator.GE;
      case GT -> SortKeyCondition.Operator.LT;
      case GE -> SortKeyCondition.Operator.LE;
      default -> op;
    };
  }

  private static ExpressionException keyConditionNotSupported() {
    return new ExpressionException("Query key condition not supported");
  }

  private static ExpressionException invalidKeyOperator(String operator) {
    return new ExpressionException("Invalid operator used in KeyConditionExpression: " + operator);
  }
}
