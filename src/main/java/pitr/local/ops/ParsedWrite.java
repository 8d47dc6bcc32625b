package pitr.local.ops;

import java.util.Map;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.expr.ConditionExpression;
import pitr.local.expr.ExpressionContext;
import pitr.local.expr.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * One write parsed and checked before anything runs: what PutItem, UpdateItem and DeleteItem and
 * the actions of TransactWriteItems share. Each is read, its condition tested and its new image
 * made ({@link #newImage}) under the write lock.
 *
 * @param kind what the write does
 * @param table the table written
 * @param key the item's store key
 * @param keyItem the item's key attributes (for a put, the whole item); null for a delete or check
 * @param image the item a put writes; null otherwise
 * @param update an update's expression, or null
 * @param condition the condition the current image must meet, or null
 * @param onFailure whether a failed condition returns the current image
 */
record ParsedWrite(
    Kind kind,
    Table table,
    StoreKey key,
    Map<String, AttributeValue> keyItem,
    Map<String, AttributeValue> image,
    UpdateExpression update,
    ConditionExpression condition,
    ReturnValuesOnConditionCheckFailure onFailure) {

  /** What a write does. */
  enum Kind {
    PUT,
    UPDATE,
    DELETE,
    CHECK
  }

  /** A put of {@code item}, checked against the table's keys and indexes. */
  static ParsedWrite put(
      Table t,
      Map<String, AttributeValue> item,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String conditionExpression,
      ReturnValuesOnConditionCheckFailure onFailure) {
    Map<String, AttributeValue> checked = Requests.checkedItem(t, item);
    ExpressionContext ctx = new ExpressionContext(names, values);
    ConditionExpression c = Requests.condition(ctx, conditionExpression, "ConditionExpression");
    ctx.checkAllUsed();
    return new ParsedWrite(Kind.PUT, t, t.storeKey(checked), checked, checked, null, c, onFailure);
  }

  /** An update of the item at {@code key}, which must not change a key attribute. */
  static ParsedWrite update(
      Table t,
      Map<String, AttributeValue> key,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String updateExpression,
      String conditionExpression,
      ReturnValuesOnConditionCheckFailure onFailure) {
    StoreKey storeKey = Requests.requestKey(t, key);
    ExpressionContext ctx = new ExpressionContext(names, values);
    UpdateExpression upd = updateExpression == null ? null : ctx.update(updateExpression);
    ConditionExpression c = Requests.condition(ctx, conditionExpression, "ConditionExpression");
    ctx.checkAllUsed();
    Requests.checkKeyNotUpdated(t, upd);
    return new ParsedWrite(
        Kind.UPDATE, t, storeKey, Requests.requestKeyItem(t, key), null, upd, c, onFailure);
  }

  /** A delete of the item at {@code key}. */
  static ParsedWrite delete(
      Table t,
      Map<String, AttributeValue> key,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String conditionExpression,
      ReturnValuesOnConditionCheckFailure onFailure) {
    StoreKey storeKey = Requests.requestKey(t, key);
    ExpressionContext ctx = new ExpressionContext(names, values);
    ConditionExpression c = Requests.condition(ctx, conditionExpression, "ConditionExpression");
    ctx.checkAllUsed();
    return new ParsedWrite(Kind.DELETE, t, storeKey, null, null, null, c, onFailure);
  }

  /** A transaction's condition check on the item at {@code key}; the condition is required. */
  static ParsedWrite check(
      Table t,
      Map<String, AttributeValue> key,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String conditionExpression,
      ReturnValuesOnConditionCheckFailure onFailure) {
    StoreKey storeKey = Requests.requestKey(t, key);
    ExpressionContext ctx = new ExpressionContext(names, values);
    ConditionExpression c = Requests.condition(ctx, conditionExpression, "ConditionExpression");
    ctx.checkAllUsed();
    return new ParsedWrite(Kind.CHECK, t, storeKey, null, null, null, c, onFailure);
  }

  /**
   * The image this write leaves, given the current one ({@code old}, null if absent): a put's item,
   * an update applied to the current image (or to the key alone), null for a delete or a check.
   */
  Map<String, AttributeValue> newImage(Map<String, AttributeValue> old) {
    return switch (kind) {
      case PUT -> image;
      case UPDATE -> {
        Map<String, AttributeValue> base = old != null ? old : table.keyOf(keyItem);
        yield Requests.checkedItem(table, update == null ? base : update.apply(base));
      }
      default -> null;
    };
  }

  /** This write with {@code legacy} as its condition, when the request gave Expected instead. */
  ParsedWrite withCondition(ConditionExpression legacy) {
    return legacy == null
        ? this
        : new ParsedWrite(kind, table, key, keyItem, image, update, legacy, onFailure);
  }

  /** This update with {@code legacy} as its update, when the request gave AttributeUpdates. */
  ParsedWrite withUpdate(UpdateExpression legacy) {
    return legacy == null
        ? this
        : new ParsedWrite(kind, table, key, keyItem, image, legacy, condition, onFailure);
  }

  /** Whether a failed condition returns the current image. */
  boolean returnOld() {
    return onFailure == ReturnValuesOnConditionCheckFailure.ALL_OLD;
  }
}
