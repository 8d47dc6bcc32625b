package pitr.local.store;

import pitr.local.Table;

/**
 * A table deleted while PITR was on: restorable by ARN until its recovery period runs out.
 *
 * @param table the table as it was when deleted, history included
 * @param deletedAt when it was deleted (epoch ms)
 */
public record DeletedTable(Table table, long deletedAt) {}
