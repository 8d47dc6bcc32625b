package pitr.local.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import pitr.local.Errors;
import pitr.local.Items;
import pitr.local.SecondaryIndex;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.expr.AttributeValues;
import pitr.local.expr.ConditionExpression;
import pitr.local.expr.ExpressionContext;
import pitr.local.expr.ExpressionException;
import pitr.local.expr.ProjectionExpression;
import pitr.local.expr.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Request parsing shared by every operation: the checks of keys, items, expressions, legacy
 * parameters and return values, each failing with the ValidationException message DynamoDB gives.
 */
final class Requests {
  private Requests() {}

  /** Validates and normalises an item to be written to {@code t}, keys and index keys included. */
  static Map<String, AttributeValue> checkedItem(Table t, Map<String, AttributeValue> item) {
    return checkedKeys(t, Items.normaliseItem(item));
  }

  /**
   * {@link #checkedItem} for a BatchWriteItem put, which answers a key attribute missing or of the
   * wrong type with one message, as DynamoDB does, where PutItem names the key.
   */
  static Map<String, AttributeValue> checkedBatchItem(Table t, Map<String, AttributeValue> item) {
    Map<String, AttributeValue> n = Items.normaliseItem(item);
    for (String name : t.keyNames) {
      checkSchemaType(t, name, n.get(name));
    }
    return checkedKeys(t, n);
  }

  /** {@link #checkedItem} for the item an update leaves, which words the size limit its own way. */
  static Map<String, AttributeValue> checkedUpdatedItem(Table t, Map<String, AttributeValue> item) {
    return checkedKeys(t, Items.normaliseUpdatedItem(item));
  }

  private static Map<String, AttributeValue> checkedKeys(Table t, Map<String, AttributeValue> n) {
    Items.checkKeyAttribute(n, t.partitionKey, t.attributeTypes.get(t.partitionKey), true);
    if (t.sortKey != null) {
      Items.checkKeyAttribute(n, t.sortKey, t.attributeTypes.get(t.sortKey), false);
    }
    for (SecondaryIndex idx : t.indexes.values()) {
      AttributeValue p = n.get(idx.partitionKey);
      if (p != null) {
        Items.checkKeyType(
            idx.partitionKey, t.attributeTypes.get(idx.partitionKey), p, idx.name, true);
      }
      if (idx.sortKey != null) {
        AttributeValue s = n.get(idx.sortKey);
        if (s != null) {
          Items.checkKeyType(idx.sortKey, t.attributeTypes.get(idx.sortKey), s, idx.name, false);
        }
      }
    }
    return n;
  }

  /** The store key of a request's Key map, which must hold exactly the table's key attributes. */
  static StoreKey requestKey(Table t, Map<String, AttributeValue> key) {
    Map<String, AttributeValue> k = requestKeyItem(t, key);
    return StoreKey.of(k.get(t.partitionKey), t.sortKey == null ? null : k.get(t.sortKey));
  }

  static Map<String, AttributeValue> requestKeyItem(Table t, Map<String, AttributeValue> key) {
    if (key == null || key.size() != t.keyNames.size()) {
      throw Errors.validation("The provided key element does not match the schema");
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>(4);
    for (String name : t.keyNames) {
      AttributeValue v = key.get(name);
      checkSchemaType(t, name, v);
      AttributeValue n = Items.normalise(v);
      Items.checkKeyType(name, t.attributeTypes.get(name), n, "", name.equals(t.partitionKey));
      out.put(name, n);
    }
    return out;
  }

  /** Refuses {@code v}, key attribute {@code name} of {@code t}, when it is absent or mistyped. */
  private static void checkSchemaType(Table t, String name, AttributeValue v) {
    if (v == null
        || v.type() == null
        || !AttributeValues.typeName(v).equals(t.attributeTypes.get(name).toString())) {
      throw Errors.validation("The provided key element does not match the schema");
    }
  }

  /** The LastEvaluatedKey of an item: table keys, plus index keys when reading an index. */
  static Map<String, AttributeValue> keyAttributes(
      Table t, SecondaryIndex idx, Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = t.keyOf(item);
    if (idx != null) {
      key.put(idx.partitionKey, item.get(idx.partitionKey));
      if (idx.sortKey != null) {
        key.put(idx.sortKey, item.get(idx.sortKey));
      }
    }
    return key;
  }

  static void checkCondition(
      ConditionExpression cond,
      Map<String, AttributeValue> old,
      ReturnValuesOnConditionCheckFailure onFailure) {
    if (cond != null && !cond.test(old == null ? Map.of() : old)) {
      if (onFailure == ReturnValuesOnConditionCheckFailure.ALL_OLD && old != null) {
        throw (ConditionalCheckFailedException)
            Errors.build(
                ConditionalCheckFailedException.builder().item(old),
                "ConditionalCheckFailedException",
                "The conditional request failed",
                400);
      }
      throw Errors.conditionFailed();
    }
  }

  static ConditionExpression condition(ExpressionContext ctx, String expr, String kind) {
    return expr == null ? null : ctx.condition(expr, kind);
  }

  static ProjectionExpression projection(ExpressionContext ctx, String expr) {
    return expr == null ? null : ctx.projection(expr);
  }

  static void checkReturnValues(String value, boolean update) {
    if (value == null || value.equals("NONE") || value.equals("ALL_OLD")) {
      return;
    }
    if (update
        && (value.equals("ALL_NEW")
            || value.equals("UPDATED_OLD")
            || value.equals("UPDATED_NEW"))) {
      return;
    }
    throw Errors.validation("Return values set to invalid value");
  }

  static SecondaryIndex index(Table t, String name, Boolean consistentRead) {
    if (name == null) {
      return null;
    }
    SecondaryIndex idx = t.indexes.get(name);
    if (idx == null) {
      throw Errors.validation("The table does not have the specified index: " + name);
    }
    if (idx.global && Boolean.TRUE.equals(consistentRead)) {
      throw Errors.validation("Consistent reads are not supported on global secondary indexes");
    }
    return idx;
  }

  /**
   * Refuses a read of a global index that is still backfilling at {@code now}, as DynamoDB does.
   */
  static void checkReadable(SecondaryIndex idx, long now) {
    if (idx != null && now < idx.backfillingUntil) {
      throw Errors.validation("Cannot read from backfilling global secondary index: " + idx.name);
    }
  }

  /** Rejects an update expression that writes or removes a key attribute, as DynamoDB does. */
  static void checkKeyNotUpdated(Table t, UpdateExpression upd) {
    if (upd == null) {
      return;
    }
    for (String a : upd.topLevelAttributes()) {
      if (t.keyNames.contains(a)) {
        throw Errors.validation(
            "One or more parameter values were invalid: Cannot update attribute "
                + a
                + ". This attribute is part of the key");
      }
    }
  }

  static String last(List<String> l) {
    return l.get(l.size() - 1);
  }

  /** Turns expression errors into the ValidationException DynamoDB returns. */
  static <T> T guard(Supplier<T> op) {
    try {
      return op.get();
    } catch (ExpressionException e) {
      throw Errors.validation(e.getMessage());
    }
  }
}
