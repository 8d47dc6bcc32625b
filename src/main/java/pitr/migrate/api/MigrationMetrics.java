package pitr.migrate.api;

/** Custom counters a migration reports alongside the runner's own meters. */
public interface MigrationMetrics {
  /** Adds {@code amount} to the counter {@code name} (e.g. "skipped.no-model"). */
  void increment(String name, long amount);

  /** Adds one to the counter {@code name}. */
  default void increment(String name) {
    increment(name, 1);
  }
}
