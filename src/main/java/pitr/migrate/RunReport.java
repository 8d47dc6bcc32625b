package pitr.migrate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import pitr.migrate.api.RunMode;

/**
 * What a run (or dry run) did, for the operator.
 *
 * @param runId the ledger's run id; null for a dry run, which records nothing
 * @param migration the migration's name
 * @param mode dev or prod
 * @param dryRun true when nothing was written
 * @param status SUCCEEDED, or FAILED with {@code error}
 * @param restorePoint the instant just before the first write (null for a dry run)
 * @param startedAt when the run started
 * @param finishedAt when it finished
 * @param tables per-table counts
 * @param journalEntries journal entries stored
 * @param journalWcu write capacity the journal consumed
 * @param estimatedWcu dry run: write capacity the writes would consume (journal included)
 * @param estimatedDuration dry run: time those writes take at {@code --max-wcu}; zero if unlimited
 * @param samples dry run: a few before and after images per table
 * @param counters counters the migration reported
 * @param notes things the operator should know (lock taken over, source changed, backup made)
 * @param error why the run failed, or null
 */
public record RunReport(
    String runId,
    String migration,
    RunMode mode,
    boolean dryRun,
    MigrationState status,
    Instant restorePoint,
    Instant startedAt,
    Instant finishedAt,
    List<TableReport> tables,
    long journalEntries,
    double journalWcu,
    double estimatedWcu,
    Duration estimatedDuration,
    List<Sample> samples,
    Map<String, Long> counters,
    List<String> notes,
    String error) {

  /**
   * Counts of one table.
   *
   * @param table the table
   * @param read items read
   * @param puts puts applied (or, in a dry run, that would be)
   * @param updates updates applied (or would be)
   * @param deletes deletes applied (or would be)
   * @param conditionFailed writes skipped because their condition failed
   * @param wcu write capacity consumed (dry run: estimated)
   */
  public record TableReport(
      String table,
      long read,
      long puts,
      long updates,
      long deletes,
      long conditionFailed,
      double wcu) {}

  /**
   * A before and after image of one dry-run write, as DynamoDB JSON text (null when absent).
   *
   * @param table the table
   * @param op the write
   * @param key the key
   * @param before the item before, if known
   * @param after the item after; null for a delete
   */
  public record Sample(String table, WriteOp op, String key, String before, String after) {}

  /** Items written over all tables. */
  public long itemsWritten() {
    return tables.stream().mapToLong(t -> t.puts() + t.updates() + t.deletes()).sum();
  }

  /** Items read over all tables. */
  public long itemsRead() {
    return tables.stream().mapToLong(TableReport::read).sum();
  }
}
