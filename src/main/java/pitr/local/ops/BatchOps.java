package pitr.local.ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.ItemBytes;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.CapacityTally;
import pitr.local.capacity.Throughput;
import pitr.local.expr.ExpressionContext;
import pitr.local.expr.ProjectionExpression;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem, each of whose puts and deletes applies on its own (what a throttled table cannot
 * take comes back unprocessed), and BatchGetItem, whose keys past 16 MB come back unprocessed.
 */
public final class BatchOps extends OperationFamily {
  public BatchOps(EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
  }

  static final long MAX_BATCH_GET_BYTES = 16L * 1024 * 1024;

  /** BatchWriteItem: up to 25 puts and deletes, each applied on its own. */
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
    return Requests.guard(
        () -> {
          Map<String, List<WriteRequest>> req = r.hasRequestItems() ? r.requestItems() : Map.of();
          int n = 0;
          for (List<WriteRequest> l : req.values()) {
            n += l.size();
          }
          if (n > 25) {
            throw Errors.validation("Too many items requested for the BatchWriteItem call");
          }
          record Op(
              Table table, StoreKey key, Map<String, AttributeValue> image, WriteRequest request) {}
          List<Op> ops = new ArrayList<>(n);
          for (Map.Entry<String, List<WriteRequest>> e : req.entrySet()) {
            Table t = catalog.active(e.getKey());
            Set<StoreKey> seen = new HashSet<>();
            for (WriteRequest w : e.getValue()) {
              Op op;
              if (w.putRequest() != null && w.deleteRequest() == null) {
                Map<String, AttributeValue> item =
                    Requests.checkedBatchItem(t, w.putRequest().item());
                op = new Op(t, t.storeKey(item), item, w);
              } else if (w.deleteRequest() != null && w.putRequest() == null) {
                op = new Op(t, Requests.requestKey(t, w.deleteRequest().key()), null, w);
              } else {
                throw Errors.validation(
                    "Supplied AttributeValue has more than one datatypes set, must contain exactly"
                        + " one of the supported datatypes");
              }
              if (!seen.add(op.key)) {
                throw Errors.validation("Provided list of item keys contains duplicates");
              }
              ops.add(op);
            }
          }
          CapacityTally tally = CapacityTally.writes();
          Map<String, List<WriteRequest>> unprocessed = new LinkedHashMap<>();
          int written = 0;
          writer.lock();
          try {
            for (Op op : ops) {
              // Once a table throttles, the rest of its requests stay unprocessed, in order.
              if (unprocessed.containsKey(op.table.name)) {
                unprocessed.get(op.table.name).add(op.request);
                continue;
              }
              Version current = op.table.items.get(op.key);
              if (!op.table.writesLimited) {
                writer.write(op.table, op.key, current, op.image, tally);
                written++;
                continue;
              }
              Map<String, AttributeValue> sized =
                  op.image != null ? op.image : current == null ? null : current.image();
              if (!Throughput.admitsWrite(op.table, Throughput.estimateWrite(sized))) {
                unprocessed.computeIfAbsent(op.table.name, k -> new ArrayList<>()).add(op.request);
                continue;
              }
              CapacityTally one = CapacityTally.writes();
              writer.write(op.table, op.key, current, op.image, one);
              Throughput.charge(one, false, op.table);
              tally.merge(one);
              written++;
            }
          } finally {
            writer.unlock();
          }
          if (written == 0) {
            throw Errors.throughputExceeded();
          }
          return BatchWriteItemResponse.builder()
              .unprocessedItems(unprocessed)
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }

  /** BatchGetItem: up to 100 keys; what does not fit in 16 MB comes back as UnprocessedKeys. */
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
    return Requests.guard(
        () -> {
          Map<String, KeysAndAttributes> req = r.hasRequestItems() ? r.requestItems() : Map.of();
          int n = 0;
          for (KeysAndAttributes ka : req.values()) {
            n += ka.hasKeys() ? ka.keys().size() : 0;
          }
          if (n > 100) {
            throw Errors.validation("Too many items requested for the BatchGetItem call");
          }
          Map<String, List<Map<String, AttributeValue>>> responses = new LinkedHashMap<>();
          Map<String, KeysAndAttributes> unprocessed = new LinkedHashMap<>();
          CapacityTally tally = CapacityTally.reads();
          long bytes = 0;
          for (Map.Entry<String, KeysAndAttributes> e : req.entrySet()) {
            KeysAndAttributes ka = e.getValue();
            ProjectionExpression legacy = LegacyParameters.batchGet(ka);
            ExpressionContext ctx = new ExpressionContext(ka.expressionAttributeNames(), null);
            ProjectionExpression proj =
                legacy != null ? legacy : Requests.projection(ctx, ka.projectionExpression());
            ctx.checkAllUsed();
            // The projection needs no table: DynamoDB checks it before it looks the table up.
            Table t = catalog.active(e.getKey());
            boolean consistent = Boolean.TRUE.equals(ka.consistentRead());
            Set<StoreKey> seen = new HashSet<>();
            List<Map<String, AttributeValue>> found = new ArrayList<>();
            List<Map<String, AttributeValue>> left = new ArrayList<>();
            for (Map<String, AttributeValue> k : ka.keys()) {
              StoreKey key = Requests.requestKey(t, k);
              if (!seen.add(key)) {
                throw Errors.validation("Provided list of item keys contains duplicates");
              }
              byte[] image = t.image(key);
              long size = image == null ? 0 : ItemBytes.size(image);
              if (bytes + size > MAX_BATCH_GET_BYTES && bytes > 0) {
                left.add(k);
                continue;
              }
              bytes += size;
              tally.table(t.name, CapacityTally.readUnits(size, consistent));
              if (image != null) {
                Map<String, AttributeValue> item = ItemBytes.decode(image);
                found.add(proj == null ? item : proj.apply(item));
              }
            }
            writer.buildWantedDirectTable(t);
            responses.put(t.name, found);
            if (!left.isEmpty()) {
              unprocessed.put(t.name, ka.toBuilder().keys(left).build());
            }
          }
          return BatchGetItemResponse.builder()
              .responses(responses)
              .unprocessedKeys(unprocessed)
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }
}
