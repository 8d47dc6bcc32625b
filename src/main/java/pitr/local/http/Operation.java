package pitr.local.http;

import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;

/**
 * One operation the server dispatches.
 *
 * @param name the operation's wire name, as in {@code X-Amz-Target: DynamoDB_20120810.PutItem}
 * @param requestBuilder a new builder of the operation's request type for each call
 * @param handler what serves it
 */
record Operation(String name, Supplier<SdkPojo> requestBuilder, OperationHandler handler) {}
