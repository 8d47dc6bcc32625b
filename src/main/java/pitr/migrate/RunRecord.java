package pitr.migrate;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import pitr.migrate.api.RunMode;

/**
 * One run of a migration as the ledger keeps it. Records stay after the migration file is deleted.
 *
 * @param runId the run's id: a generated one is time-ordered, e.g. {@code 20260101T120000Z-3f9a1c},
 *     one given with {@code --run-id} is any name (so the latest run is found by {@link #BY_START},
 *     not by id); the journal's partition
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
 * @param workers how many workers share the run (1 for a run of one process); see {@link
 *     WorkerLedger}
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
    int journalShards,
    int workers) {

  /**
   * Runs in the order they started, ties by run id: the last is what an operator means by the
   * latest run. (Run ids do not give that order: an id given with {@code --run-id} is any name,
   * e.g. {@code zz-hotfix}, and sorts anywhere among the generated, time-ordered ones.) Every
   * choice of "the latest run" uses this order.
   */
  public static final Comparator<RunRecord> BY_START =
      Comparator.comparing(RunRecord::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(RunRecord::runId);

  /** The latest of {@code runs} ({@link #BY_START}), or null when there is none. */
  public static RunRecord latest(Collection<RunRecord> runs) {
    return runs.stream().max(BY_START).orElse(null);
  }

  /**
   * A run starting its first attempt: {@link MigrationState#RUNNING}, nothing counted yet; set the
   * rest on the builder.
   */
  public static Builder starting(String runId, String migration, String checksum, RunMode mode) {
    return new Builder()
        .identity(runId, migration, checksum, mode)
        .status(MigrationState.RUNNING)
        .attempts(1);
  }

  /** A builder with every part unset, for a record read back from the ledger. */
  static Builder builder() {
    return new Builder();
  }

  /** A builder holding this record. */
  Builder toBuilder() {
    return new Builder()
        .identity(runId, migration, checksum, mode)
        .by(operator, host)
        .status(status)
        .startedAt(startedAt)
        .finishedAt(finishedAt)
        .restorePoint(restorePoint)
        .earliestRestorable(earliestRestorable)
        .tables(tables)
        .counts(itemsRead, itemsWritten, wcu)
        .error(error)
        .fence(fence)
        .attempts(attempts)
        .journal(journalTable, journalShards)
        .workers(workers);
  }

  /** This run finished in {@code newStatus} at {@code at}, with its totals and failure. */
  RunRecord finished(
      MigrationState newStatus,
      Instant at,
      long read,
      long written,
      double consumed,
      String failure) {
    return toBuilder()
        .status(newStatus)
        .finishedAt(at)
        .counts(read, written, consumed)
        .error(failure)
        .build();
  }

  /** This run's next attempt, by another operator perhaps, under the lock's new fence. */
  RunRecord resumed(long newFence, String newOperator, String newHost) {
    return toBuilder()
        .by(newOperator, newHost)
        .status(MigrationState.RUNNING)
        .finishedAt(null)
        .error(null)
        .fence(newFence)
        .attempts(attempts + 1)
        .build();
  }

  /** Builds a {@link RunRecord} part by part; see the record's components. */
  public static final class Builder {
    private String runId;
    private String migration;
    private String checksum;
    private RunMode mode;
    private String operator;
    private String host;
    private MigrationState status;
    private Instant startedAt;
    private Instant finishedAt;
    private Instant restorePoint;
    private Map<String, Instant> earliestRestorable = Map.of();
    private List<String> tables = List.of();
    private long itemsRead;
    private long itemsWritten;
    private double wcu;
    private String error;
    private long fence;
    private int attempts;
    private String journalTable;
    private int journalShards;
    private int workers = 1;

    private Builder() {}

    /** The run id, the migration, its source's checksum, and the mode it ran in. */
    public Builder identity(String runId, String migration, String checksum, RunMode mode) {
      this.runId = runId;
      this.migration = migration;
      this.checksum = checksum;
      this.mode = mode;
      return this;
    }

    /** Who ran the latest attempt, and where. */
    public Builder by(String operator, String host) {
      this.operator = operator;
      this.host = host;
      return this;
    }

    public Builder status(MigrationState status) {
      this.status = status;
      return this;
    }

    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    public Builder restorePoint(Instant restorePoint) {
      this.restorePoint = restorePoint;
      return this;
    }

    public Builder earliestRestorable(Map<String, Instant> earliestRestorable) {
      this.earliestRestorable = earliestRestorable;
      return this;
    }

    public Builder tables(List<String> tables) {
      this.tables = tables;
      return this;
    }

    /** Items read, writes confirmed, and the write capacity they consumed. */
    public Builder counts(long itemsRead, long itemsWritten, double wcu) {
      this.itemsRead = itemsRead;
      this.itemsWritten = itemsWritten;
      this.wcu = wcu;
      return this;
    }

    public Builder error(String error) {
      this.error = error;
      return this;
    }

    public Builder fence(long fence) {
      this.fence = fence;
      return this;
    }

    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    /** The journal table of the run's entries and how many partitions they are spread over. */
    public Builder journal(String journalTable, int journalShards) {
      this.journalTable = journalTable;
      this.journalShards = journalShards;
      return this;
    }

    /** How many workers share the run. */
    public Builder workers(int workers) {
      this.workers = Math.max(1, workers);
      return this;
    }

    public RunRecord build() {
      return new RunRecord(
          runId,
          migration,
          checksum,
          mode,
          operator,
          host,
          status,
          startedAt,
          finishedAt,
          restorePoint,
          earliestRestorable,
          tables,
          itemsRead,
          itemsWritten,
          wcu,
          error,
          fence,
          attempts,
          journalTable,
          journalShards,
          workers);
    }
  }
}
