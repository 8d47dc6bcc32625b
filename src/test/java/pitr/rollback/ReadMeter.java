package pitr.rollback;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import pitr.dynamo.ReadUnits;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Test fixture: {@link ReadUnits}, the read units of every BatchGetItem and Scan per table, plus
 * the keys each table was asked for and its scan calls.
 */
final class ReadMeter implements ExecutionInterceptor {
  final ReadUnits units = new ReadUnits();
  final Map<String, Long> keys = new ConcurrentHashMap<>();
  final Map<String, Long> scans = new ConcurrentHashMap<>();

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    if (context.request() instanceof BatchGetItemRequest r) {
      r.requestItems().forEach((t, k) -> keys.merge(t, (long) k.keys().size(), Long::sum));
    } else if (context.request() instanceof ScanRequest r) {
      scans.merge(r.tableName(), 1L, Long::sum);
    }
    return units.modifyRequest(context, attributes);
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    units.afterExecution(context, attributes);
  }

  /** Forgets what was counted. */
  void reset() {
    units.reset();
    keys.clear();
    scans.clear();
  }
}
