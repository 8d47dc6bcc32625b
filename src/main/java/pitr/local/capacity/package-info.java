/**
 * Throughput: the {@link pitr.local.capacity.TokenBucket}s of provisioned tables and indexes,
 * admission and charging ({@link pitr.local.capacity.Throughput}), and the {@link
 * pitr.local.capacity.CapacityTally} a request keeps of what it consumed, from which its
 * ConsumedCapacity is built.
 */
package pitr.local.capacity;
