package pitr.local.ops;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import pitr.local.Errors;
import pitr.local.Items;
import pitr.local.SecondaryIndex;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.expr.AttributeValues;
import pitr.local.expr.SortKeyCondition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The checks of a Query's or Scan's ExclusiveStartKey, in DynamoDB's order and with its messages,
 * and the store position the read resumes after.
 *
 * <p>A start key must hold exactly the table's key attributes plus, on an index, the index's; each
 * of the right type; on a parallel scan it must fall in the request's segment, and on a query it
 * must satisfy the key condition.
 */
final class StartKeys {
  private static final String INVALID = "The provided starting key is invalid";
  private static final String NOT_SCHEMA = "The provided key element does not match the schema";

  private StartKeys() {}

  /**
   * The position a Query resumes after.
   *
   * @param partition the normalised partition-key value of the key condition
   * @param sortCondition the key condition's sort-key part, or null
   */
  static StoreKey forQuery(
      Table t,
      SecondaryIndex idx,
      Map<String, AttributeValue> esk,
      AttributeValue partition,
      SortKeyCondition sortCondition) {
    if (esk.size() != startKeyNames(t, idx).size()) {
      throw Errors.validation(INVALID);
    }
    if (idx != null) {
      checkIndexKey(t, idx, esk);
    } else {
      checkPresentWithType(t, t.partitionKey, esk);
      if (t.sortKey != null) {
        checkPresentWithType(t, t.sortKey, esk);
      }
    }
    StoreKey position = position(t, idx, esk);
    String hashKey = idx == null ? t.partitionKey : idx.partitionKey;
    boolean samePartition = AttributeValues.equal(Items.normalise(esk.get(hashKey)), partition);
    if (sortCondition == null) {
      if (!samePartition) {
        throw Errors.validation(
            "The provided starting key is outside query boundaries based on provided conditions");
      }
    } else {
      if (!sortCondition.matches(Items.normalise(esk.get(sortCondition.attribute())))) {
        throw Errors.validation("The provided starting key does not match the range key predicate");
      }
      if (!samePartition) {
        throw Errors.validation("The query can return at most one row and cannot be restarted");
      }
    }
    return position;
  }

  /** The position a Scan resumes after; {@code segment} and {@code total} may be null. */
  static StoreKey forScan(
      Table t,
      SecondaryIndex idx,
      Map<String, AttributeValue> esk,
      Integer segment,
      Integer total) {
    if (esk.size() != startKeyNames(t, idx).size()) {
      throw Errors.validation(idx == null ? INVALID + ": " + NOT_SCHEMA : INVALID);
    }
    if (idx != null) {
      checkIndexKey(t, idx, esk);
    }
    StoreKey position = position(t, idx, esk);
    if (segment != null && total != null && total > 1) {
      long from = StoreKey.segmentStart(segment, total);
      long to =
          segment + 1 == total ? StoreKey.HASH_SPACE : StoreKey.segmentStart(segment + 1, total);
      if (position.hash() < from || position.hash() >= to) {
        throw Errors.validation(
            INVALID
                + ": Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment."
                + " TotalSegments: "
                + total
                + " Segment: "
                + segment);
      }
    }
    return position;
  }

  /** The table's key attributes, then the index's. */
  private static Set<String> startKeyNames(Table t, SecondaryIndex idx) {
    Set<String> names = new LinkedHashSet<>(t.keyNames);
    if (idx != null) {
      names.add(idx.partitionKey);
      if (idx.sortKey != null) {
        names.add(idx.sortKey);
      }
    }
    return names;
  }

  /** An index's key attributes must be present (else "invalid") and of the schema's type. */
  private static void checkIndexKey(Table t, SecondaryIndex idx, Map<String, AttributeValue> esk) {
    checkPresentWithType(t, idx.partitionKey, esk);
    if (idx.sortKey != null) {
      checkPresentWithType(t, idx.sortKey, esk);
    }
  }

  private static void checkPresentWithType(Table t, String name, Map<String, AttributeValue> esk) {
    AttributeValue v = esk.get(name);
    if (v == null) {
      throw Errors.validation(INVALID);
    }
    if (!hasType(v, t.attributeTypes.get(name))) {
      throw Errors.validation(NOT_SCHEMA);
    }
  }

  /** The table's own key must match its schema; then the store position, index entry included. */
  private static StoreKey position(Table t, SecondaryIndex idx, Map<String, AttributeValue> esk) {
    for (String k : t.keyNames) {
      AttributeValue v = esk.get(k);
      if (v == null || !hasType(v, t.attributeTypes.get(k))) {
        throw Errors.validation(INVALID + ": " + NOT_SCHEMA);
      }
    }
    AttributeValue pk = Items.normalise(esk.get(t.partitionKey));
    AttributeValue sk = t.sortKey == null ? null : Items.normalise(esk.get(t.sortKey));
    StoreKey base = StoreKey.of(pk, sk);
    if (idx == null) {
      return base;
    }
    AttributeValue p = Items.normalise(esk.get(idx.partitionKey));
    AttributeValue s = idx.sortKey == null ? null : Items.normalise(esk.get(idx.sortKey));
    return StoreKey.indexEntry(p, s, base);
  }

  private static boolean hasType(AttributeValue v, ScalarAttributeType type) {
    return v.type() != null
        && v.type() != AttributeValue.Type.UNKNOWN_TO_SDK_VERSION
        && AttributeValues.typeName(v).equals(type.toString());
  }
}
