package pitr.local.store;

import java.util.NavigableMap;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;

/**
 * An on-demand backup: the table's definition and a snapshot of its live items.
 *
 * @param arn the backup's ARN
 * @param name the name it was given
 * @param source the table it was taken of
 * @param createdAt when it was taken (epoch ms)
 * @param items the live items at that instant, in key order, each a version of its own
 * @param sizeBytes the table's size then
 * @param itemCount the table's item count then
 */
public record Backup(
    String arn,
    String name,
    Table source,
    long createdAt,
    NavigableMap<StoreKey, Version> items,
    long sizeBytes,
    long itemCount) {}
