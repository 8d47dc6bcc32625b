package pitr.local.ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.dynamo.ItemSizes;
import pitr.local.EngineConfig;
import pitr.local.Errors;
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
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * TransactWriteItems, all of whose actions apply or none does, and TransactGetItems, read as one
 * snapshot. Their actions parse into the same {@link ParsedWrite} as the single-item writes.
 */
public final class TransactionOps extends OperationFamily {
  private final TransactionTokens tokens;

  public TransactionOps(
      EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
    this.tokens = new TransactionTokens(clock);
  }

  /** TransactWriteItems: all actions apply or none does. */
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest r) {
    return Requests.guard(
        () -> {
          List<TransactWriteItem> actions = r.hasTransactItems() ? r.transactItems() : List.of();
          List<ParsedWrite> planned = new ArrayList<>(actions.size());
          Set<String> seen = new HashSet<>();
          for (TransactWriteItem a : actions) {
            ParsedWrite p = planAction(a);
            if (!seen.add(p.table().name + '\u0000' + p.key())) {
              throw Errors.validation(
                  "Transaction request cannot include multiple operations on one item");
            }
            planned.add(p);
          }
          CapacityTally tally = CapacityTally.writes();
          writer.lock();
          try {
            if (tokens.isRetry(r)) {
              return retried(planned, r);
            }
            List<CancellationReason> reasons = new ArrayList<>(planned.size());
            List<Map<String, AttributeValue>> images = new ArrayList<>(planned.size());
            boolean failed = false;
            for (ParsedWrite p : planned) {
              Map<String, AttributeValue> old = p.table().get(p.key());
              if (p.condition() != null && !p.condition().test(old == null ? Map.of() : old)) {
                failed = true;
                CancellationReason.Builder cr =
                    CancellationReason.builder()
                        .code("ConditionalCheckFailed")
                        .message("The conditional request failed");
                if (p.returnOld() && old != null) {
                  cr.item(old);
                }
                reasons.add(cr.build());
                images.add(null);
                continue;
              }
              Map<String, AttributeValue> image;
              try {
                image = Requests.guard(() -> p.newImage(old));
              } catch (DynamoDbException e) {
                if (!"ValidationException".equals(e.awsErrorDetails().errorCode())) {
                  throw e;
                }
                // An update the stored item makes invalid cancels the transaction, as DynamoDB
                // does, with the reason at its action.
                failed = true;
                reasons.add(
                    CancellationReason.builder()
                        .code("ValidationError")
                        .message(e.awsErrorDetails().errorMessage())
                        .build());
                images.add(null);
                continue;
              }
              reasons.add(CancellationReason.builder().code("None").build());
              images.add(image);
            }
            if (!failed) {
              for (int i = 0; i < planned.size(); i++) {
                if (planned.get(i).kind() != ParsedWrite.Kind.CHECK) {
                  ParsedWrite p = planned.get(i);
                  Throughput.checkWrite(p.table(), 2 * Throughput.estimateWrite(images.get(i)));
                  if (p.table().hasLocalIndexes()) {
                    // Refuse before the first write, so the transaction stays all or nothing.
                    Version cur = p.table().items.get(p.key());
                    long delta =
                        (images.get(i) == null ? 0 : ItemSizes.size(images.get(i)))
                            - (cur == null || !cur.exists() ? 0 : cur.size);
                    writer.checkCollectionRoom(p.table(), p.key(), delta);
                  }
                }
              }
            }
            if (failed) {
              List<String> codes = new ArrayList<>();
              reasons.forEach(c -> codes.add(c.code()));
              throw (TransactionCanceledException)
                  Errors.build(
                      TransactionCanceledException.builder().cancellationReasons(reasons),
                      "TransactionCanceledException",
                      "Transaction cancelled, please refer cancellation reasons for specific"
                          + " reasons "
                          + codes,
                      400);
            }
            for (int i = 0; i < planned.size(); i++) {
              ParsedWrite p = planned.get(i);
              if (p.kind() == ParsedWrite.Kind.CHECK) {
                Map<String, AttributeValue> old = p.table().get(p.key());
                tally.table(p.table().name, readUnits(old));
              } else {
                writer.write(p.table(), p.key(), images.get(i), tally);
              }
            }
            tokens.applied(r);
          } finally {
            writer.unlock();
          }
          tally.scale(2);
          return TransactWriteItemsResponse.builder()
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }

  /** The read units of reading {@code item} (null: none) strongly consistently, before doubling. */
  private static double readUnits(Map<String, AttributeValue> item) {
    return CapacityTally.readUnits(item == null ? 0 : ItemSizes.size(item), true);
  }

  /**
   * The answer to a retry of a transaction already applied: nothing is written; the capacity
   * reported is that of reading its items transactionally, as DynamoDB reports it.
   */
  private TransactWriteItemsResponse retried(
      List<ParsedWrite> planned, TransactWriteItemsRequest r) {
    CapacityTally tally = CapacityTally.reads();
    for (ParsedWrite p : planned) {
      Map<String, AttributeValue> item = p.table().get(p.key());
      tally.table(p.table().name, readUnits(item));
    }
    tally.scale(2);
    return TransactWriteItemsResponse.builder()
        .consumedCapacity(tally.all(r.returnConsumedCapacity()))
        .build();
  }

  private ParsedWrite planAction(TransactWriteItem a) {
    int set =
        (a.put() != null ? 1 : 0)
            + (a.update() != null ? 1 : 0)
            + (a.delete() != null ? 1 : 0)
            + (a.conditionCheck() != null ? 1 : 0);
    if (set != 1) {
      throw Errors.validation("TransactItems can only contain one of Check, Put, Update or Delete");
    }
    if (a.put() != null) {
      Put p = a.put();
      return ParsedWrite.parse(
              ParsedWrite.Kind.PUT,
              p.item(),
              p.expressionAttributeNames(),
              p.expressionAttributeValues(),
              null,
              p.conditionExpression(),
              p.returnValuesOnConditionCheckFailure())
          .bind(catalog.active(p.tableName()));
    }
    if (a.update() != null) {
      Update u = a.update();
      return ParsedWrite.parse(
              ParsedWrite.Kind.UPDATE,
              u.key(),
              u.expressionAttributeNames(),
              u.expressionAttributeValues(),
              u.updateExpression(),
              u.conditionExpression(),
              u.returnValuesOnConditionCheckFailure())
          .bind(catalog.active(u.tableName()));
    }
    if (a.delete() != null) {
      Delete d = a.delete();
      return ParsedWrite.parse(
              ParsedWrite.Kind.DELETE,
              d.key(),
              d.expressionAttributeNames(),
              d.expressionAttributeValues(),
              null,
              d.conditionExpression(),
              d.returnValuesOnConditionCheckFailure())
          .bind(catalog.active(d.tableName()));
    }
    ConditionCheck cc = a.conditionCheck();
    return ParsedWrite.parse(
            ParsedWrite.Kind.CHECK,
            cc.key(),
            cc.expressionAttributeNames(),
            cc.expressionAttributeValues(),
            null,
            cc.conditionExpression(),
            cc.returnValuesOnConditionCheckFailure())
        .bind(catalog.active(cc.tableName()));
  }

  /** TransactGetItems: up to 100 gets read as one snapshot. */
  public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest r) {
    return Requests.guard(
        () -> {
          List<TransactGetItem> gets = r.hasTransactItems() ? r.transactItems() : List.of();
          record Planned(Table table, StoreKey key, ProjectionExpression proj) {}
          List<Planned> planned = new ArrayList<>();
          Set<String> seen = new HashSet<>();
          for (TransactGetItem g : gets) {
            Get get = g.get();
            ExpressionContext ctx = new ExpressionContext(get.expressionAttributeNames(), null);
            ProjectionExpression proj = Requests.projection(ctx, get.projectionExpression());
            ctx.checkAllUsed();
            Table t = catalog.active(get.tableName());
            StoreKey key = Requests.requestKey(t, get.key());
            if (!seen.add(t.name + '\u0000' + key)) {
              throw Errors.validation(
                  "Transaction request cannot include multiple operations on one item");
            }
            planned.add(new Planned(t, key, proj));
          }
          CapacityTally tally = CapacityTally.reads();
          List<ItemResponse> out = new ArrayList<>();
          // The write lock makes the reads one consistent snapshot with respect to transactions.
          writer.lock();
          try {
            for (Planned p : planned) {
              Map<String, AttributeValue> item = p.table.get(p.key);
              tally.table(p.table.name, readUnits(item));
              out.add(
                  item == null
                      ? ItemResponse.builder().build()
                      : ItemResponse.builder()
                          .item(p.proj == null ? item : p.proj.apply(item))
                          .build());
            }
          } finally {
            writer.unlock();
          }
          tally.scale(2);
          return TransactGetItemsResponse.builder()
              .responses(out)
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }
}
