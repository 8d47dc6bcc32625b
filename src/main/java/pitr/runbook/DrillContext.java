package pitr.runbook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Throttling;
import pitr.migrate.MigrationEnvironment;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the steps of one drill share: the target and the gateway every step calls DynamoDB through,
 * the scale of generated counts, and what earlier steps remembered (marks, snapshots, the items
 * traffic wrote, the last rollback's keys and conflicts) and counted (conflicts, data lost).
 *
 * <p>Steps run one after another, so the state needs no locking; a step that writes it from
 * parallel calls synchronizes itself.
 */
final class DrillContext {
  final DrillTarget target;
  final Scheduler scheduler;
  final double scale;
  final Clock clock;
  final DynamoDbGateway gateway;

  /** {@code mark} steps: name to instant. */
  final Map<String, Instant> marks = new HashMap<>();

  /** {@code snapshot} steps: name to the table's items by canonical key. */
  final Map<String, Map<String, Map<String, AttributeValue>>> snapshots = new HashMap<>();

  /** {@code traffic} steps with an id: id to the items written by canonical key (null: deleted). */
  final Map<String, Map<String, Map<String, AttributeValue>>> traffic = new HashMap<>();

  /** Canonical keys the last rollback considered. */
  Set<String> lastCandidates = Set.of();

  /** Canonical keys the last rollback reported as conflicts. */
  Set<String> lastConflicts = Set.of();

  /** {@code rollback} steps: how each recovered its table, in order. */
  final List<RecoveryPath> paths = new ArrayList<>();

  /** Conflicts the last rollback restored anyway ({@code on-conflict: overwrite}). */
  long lastOverwritten;

  /** The number of the step running. */
  int step;

  long conflicts;
  long dataLost;

  DrillContext(DrillTarget target, Scheduler scheduler, double scale) {
    this.target = target;
    this.scheduler = scheduler;
    this.scale = scale;
    this.clock = target.clock();
    this.gateway =
        DynamoDbGateway.create(target.client(), target.name())
            .withScheduler(scheduler)
            .withRetry(
                Throttling.retry(10, Duration.ofMillis(50), Duration.ofSeconds(5), scheduler));
  }

  /** A generated count at the drill's scale, at least 1. */
  long scaled(long n) {
    return Math.max(1, Math.round(n * scale));
  }

  /**
   * A mark's instant, or {@code value} parsed as an ISO instant, to the millisecond ({@link
   * #toTheMillisecond}).
   */
  Instant instant(String value) {
    Instant at = marks.get(value);
    return at != null ? at : toTheMillisecond(Instant.parse(value));
  }

  /**
   * {@code at} to the millisecond, as marks are recorded: DynamoDB takes restore and export
   * instants to the millisecond (the SDK sends them so), so the drill waits for, restores, exports
   * and reports the instant DynamoDB acts at, and a write in the mark's millisecond falls after the
   * mark on every path.
   */
  static Instant toTheMillisecond(Instant at) {
    return at.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * The migration API over the target's client, for migrations, fixtures and their ledger; it calls
   * DynamoDB through its own gateway.
   */
  MigrationEnvironment environment() {
    return MigrationEnvironment.create(
        target.client(), clock, scheduler, MigrationEnvironment.Settings.defaults(target.name()));
  }

  /** Who the drill acts as, in ledgers and rollback records. */
  static String user() {
    return System.getProperty("user.name", "drill");
  }
}
