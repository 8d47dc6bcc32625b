package pitr.migrate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The snapshot checks a prod run must pass on every declared table before its first write, so the
 * run can be undone by restoring the instant just before it:
 *
 * <ol>
 *   <li>point-in-time recovery is enabled;
 *   <li>LatestRestorableDateTime is recent (within {@code --max-restore-lag});
 *   <li>the restore point (now, just before the first write) is inside the window, i.e. not before
 *       EarliestRestorableDateTime;
 *   <li>the recovery period outlasts the expected run plus an hour to notice and roll back.
 * </ol>
 *
 * <p>All failures are reported together, each with its fix, as {@link ErrorCode#REFUSED}.
 */
final class Preflight {
  static final Duration ROLLBACK_MARGIN = Duration.ofHours(1);

  private final DynamoDbGateway db;
  private final Clock clock;

  Preflight(DynamoDbGateway db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Checks every table.
   *
   * @return EarliestRestorableDateTime per table
   */
  Mono<Map<String, Instant>> check(
      String migration,
      Map<String, TableDescription> tables,
      Duration expectedRun,
      Duration maxRestoreLag) {
    return Flux.fromIterable(tables.keySet())
        .concatMap(t -> db.describeContinuousBackups(t).map(d -> Map.entry(t, d)))
        .collectList()
        .map(
            found -> {
              Instant now = clock.instant();
              List<String> problems = new ArrayList<>();
              Map<String, Instant> earliest = new LinkedHashMap<>();
              for (Map.Entry<String, ContinuousBackupsDescription> e : found) {
                problems.addAll(
                    problems(e.getKey(), e.getValue(), now, expectedRun, maxRestoreLag, earliest));
              }
              if (!problems.isEmpty()) {
                throw new PitrException(
                    ErrorCode.REFUSED,
                    "Preflight refused prod run of "
                        + migration
                        + "; nothing was written:\n  "
                        + String.join("\n  ", problems));
              }
              return earliest;
            });
  }

  static List<String> problems(
      String table,
      ContinuousBackupsDescription d,
      Instant now,
      Duration expectedRun,
      Duration maxRestoreLag,
      Map<String, Instant> earliest) {
    List<String> out = new ArrayList<>();
    PointInTimeRecoveryDescription p = d == null ? null : d.pointInTimeRecoveryDescription();
    if (p == null || p.pointInTimeRecoveryStatus() != PointInTimeRecoveryStatus.ENABLED) {
      out.add(
          "Table "
              + table
              + " has point-in-time recovery off, so this run could not be undone; enable it with"
              + " 'aws dynamodb update-continuous-backups --table-name "
              + table
              + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true' and"
              + " rerun");
      return out;
    }
    Instant first = p.earliestRestorableDateTime();
    Instant latest = p.latestRestorableDateTime();
    if (first != null) {
      earliest.put(table, first);
    }
    if (latest == null || Duration.between(latest, now).compareTo(maxRestoreLag) > 0) {
      out.add(
          "Table "
              + table
              + " has LatestRestorableDateTime "
              + latest
              + ", more than --max-restore-lag "
              + maxRestoreLag
              + " behind now ("
              + now
              + "); point-in-time recovery is not keeping up, so the restore point would not be"
              + " restorable; wait a few minutes and rerun, or raise --max-restore-lag");
    }
    if (first == null || now.isBefore(first)) {
      out.add(
          "Table "
              + table
              + ": the restore point "
              + now
              + " is before EarliestRestorableDateTime "
              + first
              + " (outside the recovery window); check this machine's clock and rerun");
    }
    int days = p.recoveryPeriodInDays() == null ? 35 : p.recoveryPeriodInDays();
    Duration period = Duration.ofDays(days);
    if (expectedRun.plus(ROLLBACK_MARGIN).compareTo(period) > 0) {
      out.add(
          "Table "
              + table
              + " keeps restore points for "
              + days
              + " days, but the run is expected to take "
              + expectedRun
              + " (plus "
              + ROLLBACK_MARGIN
              + " to roll back); the restore point would expire first. Raise the recovery period"
              + " ('aws dynamodb update-continuous-backups --table-name "
              + table
              + " --point-in-time-recovery-specification"
              + " PointInTimeRecoveryEnabled=true,RecoveryPeriodInDays=35'), raise --max-wcu, or"
              + " split the migration");
    }
    return out;
  }

  /**
   * The expected run time: the migration's own figure, or every item of every table written once
   * plus its journal entry at {@code maxWcu} (1,000 WCU when unlimited), whichever is longer.
   */
  static Duration expectedRun(
      Duration declared, Map<String, TableDescription> tables, double maxWcu) {
    double units = 0;
    for (TableDescription t : tables.values()) {
      long items = t.itemCount() == null ? 0 : t.itemCount();
      long bytes = t.tableSizeBytes() == null ? 0 : t.tableSizeBytes();
      long perItem = items == 0 ? 1 : Math.max(1, (bytes / items + 1023) / 1024);
      units += items * (perItem + 1);
    }
    double rate = maxWcu > 0 ? maxWcu : 1000;
    Duration estimate = Duration.ofMillis((long) (units / rate * 1000));
    return declared.compareTo(estimate) > 0 ? declared : estimate;
  }

  /** Takes an on-demand backup of {@code table} and waits until it is AVAILABLE. */
  Mono<String> backup(String table, String name, Duration timeout) {
    return db.createBackup(table, name)
        .map(d -> d.backupArn())
        .flatMap(
            arn ->
                db.describeBackup(table, arn)
                    .filter(d -> d.backupDetails().backupStatusAsString().equals("AVAILABLE"))
                    .repeatWhenEmpty(
                        Integer.MAX_VALUE,
                        r -> r.delayElements(Duration.ofSeconds(2), db.scheduler()))
                    .timeout(timeout, db.scheduler())
                    .onErrorMap(
                        java.util.concurrent.TimeoutException.class,
                        e ->
                            new PitrException(
                                ErrorCode.REFUSED,
                                "Backup "
                                    + arn
                                    + " of table "
                                    + table
                                    + " is not AVAILABLE after "
                                    + timeout
                                    + "; nothing was written. Check it in the console and rerun"))
                    .thenReturn(arn));
  }
}
