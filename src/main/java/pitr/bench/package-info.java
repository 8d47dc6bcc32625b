/**
 * Benchmarks whose results the README reports: BatchWriteItem throughput of the embedded engine
 * over HTTP and in-process beside another DynamoDB emulator, a point-in-time restore of a large
 * table, and the copy-back pipeline against raw BatchWriteItem, at a WCU cap and in a small-heap
 * child JVM.
 *
 * <p>Toolkit code that runs the embedded engine in-process. It lives outside {@code pitr.local}
 * (the engine imports nothing of the toolkit) and does not depend on {@code pitr.cli}: the command
 * line calls in and passes what a benchmark needs, such as its own main class for the child JVM.
 */
package pitr.bench;
