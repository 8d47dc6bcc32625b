package pitr.cli;

import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by the commands that restore recovery tables and roll items back ({@code pitr
 * rollback}, {@code pitr migrate rollback}): keeping the recovery tables, skipping the question,
 * the write rate and how long to wait for a restore.
 */
final class RollbackOptions {
  @Option(names = "--keep", description = "Keep the recovery tables.")
  boolean keep;

  @Option(names = "--yes", description = "Apply without asking.")
  boolean yes;

  @Mixin WriteRateOptions rate = WriteRateOptions.liveTable();

  @Option(
      names = "--restore-timeout",
      paramLabel = "DURATION",
      defaultValue = "2h",
      converter = Ranges.RestoreTimeout.class,
      description = "How long to wait for a recovery table, 1s-7d (default: ${DEFAULT-VALUE}).")
  Duration restoreTimeout;
}
