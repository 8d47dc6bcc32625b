/**
 * The engine's storage collaborators: the {@link pitr.local.store.Catalog} of tables, deleted
 * tables and backups; the {@link pitr.local.store.ItemWriter}, the one versioned write path (new
 * image, history, sizes and counts, index maintenance, the durable store); and {@link
 * pitr.local.store.HistoryPruner}, which drops history no restore can reach.
 */
package pitr.local.store;
