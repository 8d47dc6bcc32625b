package pitr.local.ops;

import java.util.Map;
import pitr.local.EngineConfig;
import pitr.local.ItemBytes;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.CapacityTally;
import pitr.local.capacity.Throughput;
import pitr.local.expr.ExpressionContext;
import pitr.local.expr.ProjectionExpression;
import pitr.local.expr.UpdateExpression;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The single-item operations: GetItem, and PutItem, UpdateItem and DeleteItem, which parse into one
 * {@link ParsedWrite} and share one read-modify-write.
 */
public final class ItemOps extends OperationFamily {
  public ItemOps(EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
  }

  /** PutItem. */
  public PutItemResponse putItem(PutItemRequest r) {
    return Requests.guard(
        () -> {
          Requests.checkReturnValues(r.returnValuesAsString(), false);
          ParsedWrite.Unbound parsed = LegacyParameters.put(r);
          Table t = catalog.active(r.tableName());
          ParsedWrite w = parsed.bind(t);
          CapacityTally tally = CapacityTally.writes();
          Written done = readModifyWrite(w, tally, r.returnValues() == ReturnValue.ALL_OLD);
          PutItemResponse.Builder b =
              PutItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (r.returnValues() == ReturnValue.ALL_OLD && done.old() != null) {
            b.attributes(done.old());
          }
          return b.build();
        });
  }

  /** GetItem. */
  public GetItemResponse getItem(GetItemRequest r) {
    return Requests.guard(
        () -> {
          ProjectionExpression legacy = LegacyParameters.get(r);
          ExpressionContext ctx = new ExpressionContext(r.expressionAttributeNames(), null);
          ProjectionExpression proj =
              legacy != null ? legacy : Requests.projection(ctx, r.projectionExpression());
          ctx.checkAllUsed();
          Table t = catalog.active(r.tableName());
          StoreKey key = Requests.requestKey(t, r.key());
          Throughput.checkRead(t, null);
          byte[] image = t.image(key);
          writer.buildWantedDirectTable(t);
          boolean consistent = Boolean.TRUE.equals(r.consistentRead());
          CapacityTally tally = CapacityTally.reads();
          tally.table(
              t.name,
              CapacityTally.readUnits(image == null ? 0 : ItemBytes.size(image), consistent));
          Throughput.charge(tally, true, t);
          GetItemResponse.Builder b =
              GetItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (image != null) {
            Map<String, AttributeValue> item = ItemBytes.decode(image);
            b.item(proj == null ? item : proj.apply(item));
          }
          return b.build();
        });
  }

  /** DeleteItem. */
  public DeleteItemResponse deleteItem(DeleteItemRequest r) {
    return Requests.guard(
        () -> {
          Requests.checkReturnValues(r.returnValuesAsString(), false);
          ParsedWrite.Unbound parsed = LegacyParameters.delete(r);
          Table t = catalog.active(r.tableName());
          ParsedWrite w = parsed.bind(t);
          CapacityTally tally = CapacityTally.writes();
          Written done = readModifyWrite(w, tally, r.returnValues() == ReturnValue.ALL_OLD);
          DeleteItemResponse.Builder b =
              DeleteItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (r.returnValues() == ReturnValue.ALL_OLD && done.old() != null) {
            b.attributes(done.old());
          }
          return b.build();
        });
  }

  /** UpdateItem. */
  public UpdateItemResponse updateItem(UpdateItemRequest r) {
    return Requests.guard(
        () -> {
          Requests.checkReturnValues(r.returnValuesAsString(), true);
          ParsedWrite.Unbound parsed = LegacyParameters.update(r);
          Table t = catalog.active(r.tableName());
          ParsedWrite w = parsed.bind(t);
          CapacityTally tally = CapacityTally.writes();
          Written done = readModifyWrite(w, tally, true);
          Map<String, AttributeValue> old = done.old();
          Map<String, AttributeValue> updated = done.image();
          UpdateExpression upd = w.update();
          UpdateItemResponse.Builder b =
              UpdateItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          ReturnValue rv = r.returnValues() == null ? ReturnValue.NONE : r.returnValues();
          Map<String, AttributeValue> attrs =
              switch (rv) {
                case ALL_OLD -> old;
                case ALL_NEW -> updated;
                case UPDATED_OLD ->
                    old == null || upd == null ? null : upd.updatedPaths().apply(old);
                case UPDATED_NEW -> upd == null ? null : upd.updatedPaths().apply(updated);
                default -> null;
              };
          if (attrs != null && !attrs.isEmpty()) {
            b.attributes(attrs);
          }
          return b.build();
        });
  }

  /** The image a write replaced and the one it left (each null if absent). */
  private record Written(Map<String, AttributeValue> old, Map<String, AttributeValue> image) {}

  /**
   * The read-modify-write every single-item write shares: under the lock, admit it against the
   * table's capacity, check the condition against the current image, write the new image (null
   * deletes) and charge the capacity used. The current image is decoded only where the write needs
   * it: for its condition, its update, or {@code returnOld} (a plain put replaces an item without
   * decoding it; the admission estimate of a delete takes the version's size).
   */
  private Written readModifyWrite(ParsedWrite w, CapacityTally tally, boolean returnOld) {
    Table t = w.table();
    writer.lock();
    try {
      Version current = t.items.get(w.key());
      boolean needsOld = returnOld || w.condition() != null || w.kind() == ParsedWrite.Kind.UPDATE;
      Map<String, AttributeValue> old = current == null || !needsOld ? null : current.image();
      Throughput.checkWrite(
          t,
          w.image() != null
              ? Throughput.estimateWrite(w.image())
              : CapacityTally.writeUnits(current == null ? 0 : current.size));
      Requests.checkCondition(w.condition(), old, w.onFailure());
      Map<String, AttributeValue> image = w.newImage(old);
      writer.write(t, w.key(), current, image, tally);
      Throughput.charge(tally, false, t);
      return new Written(old, image);
    } finally {
      writer.unlock();
    }
  }
}
