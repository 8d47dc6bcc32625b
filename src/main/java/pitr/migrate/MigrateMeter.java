package pitr.migrate;

/**
 * Every meter a migration run records, in the run's Micrometer registry. Tags: {@code migration} on
 * all, {@code table} where named.
 */
enum MigrateMeter {
  /** Items read by scans and queries ({@code table}). */
  ITEMS_READ("pitr.migrate.items.read"),
  /** Writes applied ({@code table}, {@code op}: put, update, delete). */
  ITEMS_WRITTEN("pitr.migrate.items.written"),
  /** Writes skipped because their condition did not hold ({@code table}). */
  CONDITION_FAILED("pitr.migrate.condition.failed"),
  /** Write capacity consumed by the migration's writes ({@code table}). */
  WCU("pitr.migrate.wcu"),
  /** Journal entries stored. */
  JOURNAL_ENTRIES("pitr.migrate.journal.entries"),
  /** Counters a migration reports through {@code MigrationMetrics} ({@code name}). */
  CUSTOM("pitr.migrate.custom");

  final String meterName;

  MigrateMeter(String meterName) {
    this.meterName = meterName;
  }
}
