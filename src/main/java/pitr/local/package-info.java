/**
 * The embedded DynamoDB-compatible engine, with real point-in-time history: every item keeps its
 * versions, so a restore is exactly the table as of the requested instant.
 *
 * <p>{@link pitr.local.LocalEngine} serves the operations; {@link
 * pitr.local.LocalDynamoDbAsyncClient} calls it in-process as an SDK client ({@code --local}), and
 * {@code pitr.local.http} serves it over the DynamoDB JSON 1.0 wire protocol. {@link
 * pitr.local.EngineConfig} sets its clock, delays, capacity ceilings and injected {@link
 * pitr.local.Faults}; {@link pitr.local.DurableStore} keeps it on disk.
 *
 * <p>{@code LocalEngine} is a facade over one class per operation family in {@code pitr.local.ops};
 * the catalog, the versioned write path and history pruning are in {@code pitr.local.store}, token
 * buckets and consumed capacity in {@code pitr.local.capacity}, and the expression language in
 * {@code pitr.local.expr}.
 *
 * <p>The engine imports nothing of the toolkit but the shared item-size arithmetic ({@code
 * pitr.dynamo.ItemSizes}), and only {@code pitr.cli}, {@code pitr.bench} and {@code pitr.demo} may
 * use it, so the toolkit works the same against AWS ({@code pitr.ArchitectureTest} holds both
 * rules).
 */
package pitr.local;
