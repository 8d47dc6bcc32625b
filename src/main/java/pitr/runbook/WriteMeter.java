package pitr.runbook;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Measures the write capacity a drill consumes, per second of the drill's clock, as an SDK
 * interceptor: it asks every write for its consumed capacity and adds it up. Writes to the ledger
 * and journal count too; they are part of what a migration costs.
 */
public final class WriteMeter implements ExecutionInterceptor {
  private final Clock clock;
  private final TreeMap<Long, Double> perSecond = new TreeMap<>();
  private double total;

  public WriteMeter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest r = context.request();
    ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
    if (r instanceof PutItemRequest p && p.returnConsumedCapacity() == null) {
      return p.toBuilder().returnConsumedCapacity(total).build();
    }
    if (r instanceof UpdateItemRequest u && u.returnConsumedCapacity() == null) {
      return u.toBuilder().returnConsumedCapacity(total).build();
    }
    if (r instanceof DeleteItemRequest d && d.returnConsumedCapacity() == null) {
      return d.toBuilder().returnConsumedCapacity(total).build();
    }
    if (r instanceof BatchWriteItemRequest b && b.returnConsumedCapacity() == null) {
      return b.toBuilder().returnConsumedCapacity(total).build();
    }
    if (r instanceof TransactWriteItemsRequest t && t.returnConsumedCapacity() == null) {
      return t.toBuilder().returnConsumedCapacity(total).build();
    }
    return r;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    SdkResponse r = context.response();
    double units = 0;
    if (r instanceof PutItemResponse p) {
      units = units(p.consumedCapacity());
    } else if (r instanceof UpdateItemResponse u) {
      units = units(u.consumedCapacity());
    } else if (r instanceof DeleteItemResponse d) {
      units = units(d.consumedCapacity());
    } else if (r instanceof BatchWriteItemResponse b && b.hasConsumedCapacity()) {
      units = b.consumedCapacity().stream().mapToDouble(WriteMeter::units).sum();
    } else if (r instanceof TransactWriteItemsResponse t && t.hasConsumedCapacity()) {
      units = t.consumedCapacity().stream().mapToDouble(WriteMeter::units).sum();
    }
    if (units > 0) {
      record(clock.instant(), units);
    }
  }

  private static double units(ConsumedCapacity c) {
    return c == null || c.capacityUnits() == null ? 0 : c.capacityUnits();
  }

  /** Adds {@code units} consumed at {@code at}. */
  public synchronized void record(Instant at, double units) {
    perSecond.merge(at.getEpochSecond(), units, Double::sum);
    total += units;
  }

  /** Write units consumed so far. */
  public synchronized double total() {
    return total;
  }

  /** Units per second, for each second with writes, in time order. */
  public synchronized List<Map.Entry<Instant, Double>> series() {
    List<Map.Entry<Instant, Double>> out = new ArrayList<>();
    perSecond.forEach((s, u) -> out.add(Map.entry(Instant.ofEpochSecond(s), u)));
    return out;
  }
}
