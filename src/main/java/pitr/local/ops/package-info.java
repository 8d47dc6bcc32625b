/**
 * The engine's operations, one family per class, each taking the SDK's request type and returning
 * its response type: {@link pitr.local.ops.TableOps}, {@link pitr.local.ops.ItemOps}, {@link
 * pitr.local.ops.ReadOps}, {@link pitr.local.ops.BatchOps}, {@link pitr.local.ops.TransactionOps},
 * {@link pitr.local.ops.RecoveryOps} and {@link pitr.local.ops.BackupOps}. {@link
 * pitr.local.LocalEngine} is the facade that dispatches to them.
 *
 * <p>Every family works on the same collaborators ({@code OperationFamily}): the catalog, the item
 * writer and the throughput buckets. Request checks are shared ({@code Requests}), and the
 * single-item writes and the actions of a transaction parse into one {@code ParsedWrite}.
 */
package pitr.local.ops;
