package pitr.migrate.api;

import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A data migration: the tables it touches and the work it does through a {@link MigrationContext}.
 *
 * <p>Implementations need a no-argument constructor and should keep no state between runs: the
 * runner creates a new instance for every run.
 *
 * <p>A run that is interrupted (killed, or failed) can be resumed; a migration that works through
 * {@link MigrationTable#forEachItem}, writes each item it is handed once, from that item alone, is
 * then applied exactly once to every item even if it is not idempotent. The {@linkplain
 * pitr.migrate.api package documentation} lists the rules, and what happens when someone else
 * writes the same items meanwhile.
 */
public interface Migration {
  /**
   * The tables this migration reads or writes. Preflight checks each of them (it exists; in prod,
   * point-in-time recovery covers the run) and {@link MigrationContext#table(String)} refuses any
   * other.
   */
  Set<String> tables();

  /**
   * How long the migration is expected to run, used by preflight to check that the recovery window
   * outlasts the run. Zero (the default) lets the runner estimate it from the table sizes and
   * {@code --max-wcu}.
   */
  default Duration expectedDuration() {
    return Duration.ZERO;
  }

  /**
   * The migration itself. Return a {@code Mono} that completes when all work is done; the runner
   * subscribes once, cancels it if the lease lock is lost, and records an error it ends with as the
   * run's failure.
   */
  Mono<Void> run(MigrationContext context);
}
