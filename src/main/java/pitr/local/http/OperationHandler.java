package pitr.local.http;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;

/**
 * Serves one DynamoDB operation: takes the SDK request and returns the SDK response, or throws the
 * service exception DynamoDB would return. Calls are synchronous and may block.
 */
@FunctionalInterface
interface OperationHandler {
  SdkResponse handle(SdkRequest request);
}
