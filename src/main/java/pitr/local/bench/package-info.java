/**
 * Benchmarks of the embedded engine: BatchWriteItem throughput over HTTP and in-process, side by
 * side with another DynamoDB emulator, and point-in-time restore of a large table.
 */
package pitr.local.bench;
