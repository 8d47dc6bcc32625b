package pitr.local.ops;

import java.util.Set;
import pitr.local.Errors;
import pitr.local.SecondaryIndex;
import pitr.local.Table;
import pitr.local.expr.ExpressionContext;

/**
 * DynamoDB's checks of how a Query's or Scan's projection and filter use key attributes: no {@code
 * .} or {@code []} into a key attribute of the table or of any index, and no filter on the queried
 * key.
 */
final class KeyPathChecks {
  private static final String PROJECTION = "ProjectionExpression";
  private static final String FILTER = "FilterExpression";

  private KeyPathChecks() {}

  /** The checks of a Query, in DynamoDB's order. */
  static void query(Table t, SecondaryIndex idx, ExpressionContext ctx) {
    scalars(t, ctx.nestedAttributes(PROJECTION));
    Set<String> filtered = ctx.attributes(FILTER);
    String hash = idx == null ? t.partitionKey : idx.partitionKey;
    String range = idx == null ? t.sortKey : idx.sortKey;
    for (String key : new String[] {hash, range}) {
      if (key != null && filtered.contains(key)) {
        throw Errors.validation(
            "Filter Expression can only contain non-primary key attributes: Primary key"
                + " attribute: "
                + key);
      }
    }
    scalars(t, ctx.nestedAttributes(FILTER));
  }

  /** The checks of a Scan, in DynamoDB's order. */
  static void scan(Table t, SecondaryIndex idx, ExpressionContext ctx) {
    scalars(t, ctx.nestedAttributes(PROJECTION));
    scalars(t, ctx.nestedAttributes(FILTER));
  }

  private static void scalars(Table t, Set<String> nested) {
    if (nested.isEmpty()) {
      return;
    }
    for (String key : t.keyNames) {
      if (nested.contains(key)) {
        throw notScalar("Key: " + key);
      }
    }
    for (SecondaryIndex i : t.indexes.values()) {
      for (String key : new String[] {i.partitionKey, i.sortKey}) {
        if (key != null && nested.contains(key)) {
          throw notScalar("IndexKey: " + key);
        }
      }
    }
  }

  private static RuntimeException notScalar(String what) {
    return Errors.validation(
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not"
            + " allowed: "
            + what);
  }
}
