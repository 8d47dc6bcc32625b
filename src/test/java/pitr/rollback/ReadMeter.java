package pitr.rollback;

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
 * Test fixture: an SDK interceptor that asks DynamoDB for the capacity of every BatchGetItem and
 * Scan and adds it up per table, with the keys each table was asked for and its scan calls.
 */
final class ReadMeter implements ExecutionInterceptor {
  final Map<String, Double> units = new ConcurrentHashMap<>();
  final Map<String, Long> keys = new ConcurrentHashMap<>();
  final Map<String, Long> scans = new ConcurrentHashMap<>();

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    if (context.request() instanceof BatchGetItemRequest r) {
      r.requestItems().forEach((t, k) -> keys.merge(t, (long) k.keys().size(), Long::sum));
      return r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
    }
    if (context.request() instanceof ScanRequest r) {
      scans.merge(r.tableName(), 1L, Long::sum);
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

  double units(String table) {
    return units.getOrDefault(table, 0.0);
  }

  double total() {
    return units.values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
