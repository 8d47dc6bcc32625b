package pitr.migrate.api;

/**
 * The run's logger. Pass the message and then key/value pairs: {@code log.info("priced", "car", id,
 * "price", p)} logs {@code priced car=... price=...}.
 */
public interface MigrationLog {
  /** Something the operator may want to know. */
  void info(String message, Object... keyValues);

  /** Something that may need attention but does not stop the run. */
  void warn(String message, Object... keyValues);

  /** Detail for debugging, shown with {@code --verbose}. */
  void debug(String message, Object... keyValues);
}
