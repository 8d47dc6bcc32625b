/**
 * Point-in-time restores into recovery tables: the restore point and window check, recovery-table
 * naming and {@code pitr:} tags, the status of a table's safety net, and the guarded drop of a
 * recovery table.
 */
package pitr.restore;
