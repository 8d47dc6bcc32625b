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
 * the actions of TransactWriteItems share. It is made in DynamoDB's order: {@link #parse} checks
 * what needs no table, before the table is looked up, and {@link Unbound#bind} what needs it. Each
 * is read, its condition tested and its new image made ({@link #newImage}) under the write lock.
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

  /**
   * A write parsed without its table: its expressions parsed into trees against the request's
   * ExpressionAttributeNames and ExpressionAttributeValues, every placeholder checked used. These
   * are the checks DynamoDB makes before it looks the table up; {@link #bind} makes the ones that
   * need the table.
   *
   * @param item a put's item, or the key of any other write
   */
  record Unbound(
      Kind kind,
      Map<String, AttributeValue> item,
      UpdateExpression update,
      ConditionExpression condition,
      ReturnValuesOnConditionCheckFailure onFailure) {

    /** This write with {@code legacy} as its condition, when the request gave Expected. */
    Unbound withCondition(ConditionExpression legacy) {
      return legacy == null ? this : new Unbound(kind, item, update, legacy, onFailure);
    }

    /** This update with {@code legacy} as its update, when the request gave AttributeUpdates. */
    Unbound withUpdate(UpdateExpression legacy) {
      return legacy == null ? this : new Unbound(kind, item, legacy, condition, onFailure);
    }

    /**
     * The checks that need the table: a put's item, or the key, against its key schema and indexes,
     * and that an update changes no key attribute.
     */
    ParsedWrite bind(Table t) {
      return switch (kind) {
        case PUT -> {
          Map<String, AttributeValue> checked = Requests.checkedItem(t, item);
          yield new ParsedWrite(
              kind, t, t.storeKey(checked), checked, checked, null, condition, onFailure);
        }
        case UPDATE -> {
          StoreKey storeKey = Requests.requestKey(t, item);
          Requests.checkKeyNotUpdated(t, update);
          yield new ParsedWrite(
              kind,
              t,
              storeKey,
              Requests.requestKeyItem(t, item),
              null,
              update,
              condition,
              onFailure);
        }
        default ->
            new ParsedWrite(
                kind, t, Requests.requestKey(t, item), null, null, null, condition, onFailure);
      };
    }
  }

  /**
   * Parses a write's expressions without its table.
   *
   * @param item a put's item, or the key of any other write
   * @param updateExpression an update's UpdateExpression, or null
   */
  static Unbound parse(
      Kind kind,
      Map<String, AttributeValue> item,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String updateExpression,
      String conditionExpression,
      ReturnValuesOnConditionCheckFailure onFailure) {
    ExpressionContext ctx = new ExpressionContext(names, values);
    UpdateExpression upd = updateExpression == null ? null : ctx.update(updateExpression);
    ConditionExpression c = Requests.condition(ctx, conditionExpression, "ConditionExpression");
    ctx.checkAllUsed();
    return new Unbound(kind, item, upd, c, onFailure);
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
        yield Requests.checkedUpdatedItem(table, update == null ? base : update.apply(base));
      }
      default -> null;
    };
  }

  /** Whether a failed condition returns the current image. */
  boolean returnOld() {
    return onFailure == ReturnValuesOnConditionCheckFailure.ALL_OLD;
  }
}
