package pitr.migrate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import pitr.migrate.api.RunMode;

/**
 * One run of a migration as the ledger keeps it. Records stay after the migration file is deleted.
 *
 * @param runId time-ordered id, e.g. {@code 20260101T120000Z-3f9a1c}; the journal's partition
 * @param migration the migration's name, e.g. {@code 0001_cars_get_a_price}
 * @param checksum hex SHA-256 of the source that ran
 * @param mode dev or prod
 * @param operator who ran it ({@code user.name})
 * @param host where it ran
 * @param status where the run stands
 * @param startedAt when it started (Execution Time)
 * @param finishedAt when it finished (Finalization Time), or null while running
 * @param restorePoint the instant just before the first write: restore here to undo the run
 * @param earliestRestorable per declared table, EarliestRestorableDateTime at start (prod only)
 * @param tables the declared tables
 * @param itemsRead items read by scans and queries, over all attempts (a page an attempt redoes is
 *     counted again)
 * @param itemsWritten writes the journal confirms (puts, updates and deletes that landed), over all
 *     attempts; a key written twice counts twice. Each attempt's share is what its last commit
 *     marker holds, so a failed run counts exactly the writes its journal confirms; a write whose
 *     answer never came is counted once a resumed run finds it landed
 * @param wcu write capacity consumed by those writes (journal not included)
 * @param error why it failed, or null
 * @param fence the lock's fencing token of the latest attempt
 * @param attempts 1, plus one per resume
 * @param journalTable the journal table holding this run's entries
 * @param journalShards how many partitions the run's journal entries are spread over
 */
public record RunRecord(
    String runId,
    String migration,
    String checksum,
    RunMode mode,
    String operator,
    String host,
    MigrationState status,
    Instant startedAt,
    Instant finishedAt,
    Instant restorePoint,
    Map<String, Instant> earliestRestorable,
    List<String> tables,
    long itemsRead,
    long itemsWritten,
    double wcu,
    String error,
    long fence,
    int attempts,
    String journalTable,
    int journalShards) {

  RunRecord finished(
      MigrationState newStatus,
      Instant at,
      long read,
      long written,
      double consumed,
      String failure) {
    return new RunRecord(
        runId,
        migration,
        checksum,
        mode,
        operator,
        host,
        newStatus,
        startedAt,
        at,
        restorePoint,
        earliestRestorable,
        tables,
        read,
        written,
        consumed,
        failure,
        fence,
        attempts,
        journalTable,
        journalShards);
  }

  RunRecord resumed(long newFence, String newOperator, String newHost) {
    return new RunRecord(
        runId,
        migration,
        checksum,
        mode,
        newOperator,
        newHost,
        MigrationState.RUNNING,
        startedAt,
        null,
        restorePoint,
        earliestRestorable,
        tables,
        itemsRead,
        itemsWritten,
        wcu,
        null,
        newFence,
        attempts + 1,
        journalTable,
        journalShards);
  }
}
