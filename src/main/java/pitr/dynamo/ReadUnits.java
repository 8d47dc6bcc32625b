package pitr.dynamo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * An SDK interceptor for benchmarks and drills: asks for the consumed capacity of every
 * BatchGetItem and Scan and adds the read units up per table.
 */
public final class ReadUnits implements ExecutionInterceptor {
  private final Map<String, Double> units = new ConcurrentHashMap<>();

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    if (context.request() instanceof BatchGetItemRequest r) {
      return r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (context.request() instanceof ScanRequest r) {
      return r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    return context.request();
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (context.response() instanceof BatchGetItemResponse r) {
      r.consumedCapacity().forEach(this::add);
    } else if (context.response() instanceof ScanResponse r && r.consumedCapacity() != null) {
      add(r.consumedCapacity());
    }
  }

  private void add(ConsumedCapacity c) {
    if (c.capacityUnits() != null) {
      units.merge(c.tableName(), c.capacityUnits(), Double::sum);
    }
  }

  /** Units read from {@code table} so far. */
  public double of(String table) {
    return units.getOrDefault(table, 0.0);
  }

  /** Units read from all tables so far. */
  public double total() {
    return units.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Forgets what was counted. */
  public void reset() {
    units.clear();
  }
}
