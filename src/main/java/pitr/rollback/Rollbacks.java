package pitr.rollback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationState;
import pitr.migrate.RunRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Rolls tables back: restores T0 (and T1) into recovery tables named {@code <table>-recovery-<id>},
 * plans, applies a plan, and drops the recovery tables. Commands call these steps one by one so
 * they can print the plan and ask before applying.
 *
 * <p>Partial failure: a plan that was applied in part can be applied again; items already restored
 * are refused by their condition and reported as changed since planning, nothing is overwritten.
 * Recovery tables left by a killed run are ordinary tables named as above: drop them by hand.
 */
public final class Rollbacks {
  private final Tables tables;
  private final Clock clock;
  private final Scheduler scheduler;

  private Rollbacks(DynamoDbAsyncClient client, Clock clock, Scheduler scheduler) {
    this.tables = new Tables(client, scheduler);
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /** Rollbacks over {@code client}; the caller keeps and closes it. */
  public static Rollbacks create(DynamoDbAsyncClient client, Clock clock, Scheduler scheduler) {
    return new Rollbacks(client, clock, scheduler);
  }

  /**
   * What to roll back.
   *
   * @param table the live table
   * @param to T0: the instant to go back to
   * @param incidentEnd T1: when the bad change ended, or null
   * @param overwrite restore conflicts too ({@code --on-conflict overwrite})
   * @param deleteExtra without T1, delete items created after T0
   * @param restoreTimeout how long to wait for a recovery table to become ACTIVE
   */
  public record TableRequest(
      String table,
      Instant to,
      Instant incidentEnd,
      boolean overwrite,
      boolean deleteExtra,
      Duration restoreTimeout) {}

  /**
   * A plan and the recovery tables made for it.
   *
   * @param plan the plan
   * @param recoveryTables the recovery tables, to drop when done
   */
  public record Prepared(RollbackPlan plan, List<String> recoveryTables) {}

  /** Restores T0 (and T1) and plans the rollback of a whole table. */
  public Mono<Prepared> planTable(TableRequest request) {
    String id = id();
    String t0 = request.table() + "-recovery-" + id;
    String t1 = request.incidentEnd() == null ? null : t0 + "-t1";
    List<String> made = new ArrayList<>();
    Mono<Void> restores =
        tables
            .keySchema(request.table())
            .then(tables.restore(request.table(), t0, request.to(), request.restoreTimeout()))
            .doOnNext(made::add)
            .then(
                t1 == null
                    ? Mono.empty()
                    : tables
                        .restore(
                            request.table(), t1, request.incidentEnd(), request.restoreTimeout())
                        .doOnNext(made::add)
                        .then());
    return restores
        .then(
            Mono.defer(
                () ->
                    new RollbackPlanner(tables, clock)
                        .planTable(
                            request.table(),
                            request.to(),
                            t0,
                            request.incidentEnd(),
                            t1,
                            request.overwrite(),
                            request.deleteExtra())))
        .map(plan -> new Prepared(plan, List.copyOf(made)))
        .onErrorResume(e -> drop(made).then(Mono.error(e)));
  }

  /**
   * The run of {@code migration} a rollback undoes: the latest one that wrote (succeeded or failed)
   * and is not rolled back yet.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when there is none
   */
  public Mono<RunRecord> lastRun(MigrationEnvironment env, String migration) {
    return env.ledger()
        .runs(migration)
        .filter(r -> r.status() == MigrationState.SUCCEEDED || r.status() == MigrationState.FAILED)
        .filter(r -> r.restorePoint() != null)
        .sort(Comparator.comparing(RunRecord::startedAt))
        .last()
        .onErrorResume(
            java.util.NoSuchElementException.class,
            e ->
                Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Migration "
                            + migration
                            + " has no run to roll back in "
                            + env.ledger().table()
                            + "; 'pitr migrate list' shows its runs (a rolled back or running run"
                            + " cannot be rolled back)")));
  }

  /**
   * Restores the run's restore point and plans, per table, the rollback of exactly the keys the run
   * journaled; an item whose live hash is not the journaled after-image is a conflict.
   */
  public Flux<Prepared> planMigration(
      MigrationEnvironment env, RunRecord run, boolean overwrite, Duration restoreTimeout) {
    String id = id();
    return Flux.fromIterable(run.tables())
        .concatMap(
            table -> {
              String t0 = table + "-recovery-" + id;
              return tables
                  .restore(table, t0, run.restorePoint(), restoreTimeout)
                  .then(
                      Mono.defer(
                          () ->
                              new RollbackPlanner(tables, clock)
                                  .planJournal(
                                      table,
                                      run.restorePoint(),
                                      t0,
                                      "migration " + run.migration() + " run " + run.runId(),
                                      env.journal(run)
                                          .filter(e -> e.table().equals(table))
                                          .map(
                                              e ->
                                                  new RollbackPlanner.Journaled(
                                                      e.key(), e.imageHash())),
                                      overwrite)))
                  .map(plan -> new Prepared(plan, List.of(t0)))
                  .onErrorResume(e -> drop(List.of(t0)).then(Mono.error(e)));
            });
  }

  /** Records in the ledger that {@code run} was rolled back (state ROLLED_BACK). */
  public Mono<Void> recordRolledBack(MigrationEnvironment env, RunRecord run) {
    Map<String, AttributeValue> key =
        Map.of(
            "pk", AttributeValue.fromS("run"),
            "sk", AttributeValue.fromS(run.migration() + "#" + run.runId()));
    return tables
        .call(
            () ->
                tables
                    .client()
                    .updateItem(
                        r ->
                            r.tableName(env.ledger().table())
                                .key(key)
                                .updateExpression("SET #st = :rb, rolledBackAt = :at")
                                .conditionExpression("attribute_exists(pk)")
                                .expressionAttributeNames(Map.of("#st", "status"))
                                .expressionAttributeValues(
                                    Map.of(
                                        ":rb",
                                        AttributeValue.fromS(MigrationState.ROLLED_BACK.name()),
                                        ":at",
                                        AttributeValue.fromS(clock.instant().toString())))))
        .then();
  }

  /** Applies {@code plan} at up to {@code maxWcu} write units per second (0: no limit). */
  public Mono<ApplyResult> apply(RollbackPlan plan, double maxWcu) {
    return new RollbackApplier(tables, clock, scheduler).apply(plan, maxWcu);
  }

  /** Drops recovery tables; tables already gone are fine. */
  public Mono<Void> drop(List<String> recoveryTables) {
    return Flux.fromIterable(recoveryTables).concatMap(tables::drop).then();
  }

  private static String id() {
    byte[] b = new byte[3];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
