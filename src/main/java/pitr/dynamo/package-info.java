/**
 * The one layer over the DynamoDB async client: each SDK call wrapped once as a {@code Mono} or
 * {@code Flux} with its errors mapped once, the shared retry spec, waiters, parallel-scan pages
 * with resume positions, item-size and capacity-unit math, key extraction and DynamoDB JSON.
 *
 * <p>Nothing here depends on the embedded engine: the same code runs against AWS.
 */
package pitr.dynamo;
