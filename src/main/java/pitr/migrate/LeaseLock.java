package pitr.migrate;

import static pitr.migrate.Attrs.n;
import static pitr.migrate.Attrs.num;
import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;
import static pitr.migrate.Attrs.t;
import static pitr.migrate.Attrs.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Retries;
import pitr.migrate.api.RunMode;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The lease lock that lets one migration run at a time per environment: one item ({@code pk=lock,
 * sk=lock}) in the ledger table, taken with a conditional write, kept alive by heartbeats, lapsing
 * when they stop (a killed run), and carrying a fencing token that every acquisition raises.
 *
 * <p>Time comes from the injected clock: the lease is compared with the taker's clock, so clocks of
 * machines sharing an environment should agree to well within the lease duration.
 */
public final class LeaseLock {
  static final Map<String, AttributeValue> KEY = Map.of(Ledger.PK, s("lock"), Ledger.SK, s("lock"));

  /** Placeholders for every lock attribute: several (operator, host) are reserved words. */
  static final Map<String, String> NAMES =
      Map.of(
          "#holder", "holder",
          "#migration", "migration",
          "#operator", "operator",
          "#host", "host",
          "#acquiredAt", "acquiredAt",
          "#heartbeatAt", "heartbeatAt",
          "#expiresAt", "expiresAt",
          "#expiresAtMs", "expiresAtMs",
          "#fence", "fence",
          "#workers", "workers");

  private static final String HOLDER_ATTRIBUTES =
      "#holder, #migration, #operator, #host, #acquiredAt, #heartbeatAt, #expiresAt, #expiresAtMs,"
          + " #workers";

  static Map<String, String> names(String expression) {
    Map<String, String> used = new HashMap<>();
    NAMES.forEach(
        (k, v) -> {
          if (expression.contains(k)) {
            used.put(k, v);
          }
        });
    return used;
  }

  private final DynamoDbGateway db;
  private final String table;
  private final Clock clock;
  private final Duration leaseDuration;

  LeaseLock(DynamoDbGateway db, String table, Clock clock, Duration leaseDuration) {
    this.db = db;
    this.table = table;
    this.clock = clock;
    this.leaseDuration = leaseDuration;
  }

  /** How long a lease lasts without a heartbeat. */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /**
   * Takes the lock for {@code runId}, or takes over one whose lease has lapsed.
   *
   * @return the lease; a lock that was taken over is in {@link Lease#takenOver()}
   * @throws PitrException {@link ErrorCode#REFUSED} naming the holder when the lock is held
   */
  Mono<Lease> acquire(String runId, String migration, String operator, String host) {
    return acquire(runId, migration, operator, host, 1);
  }

  private Mono<Lease> acquire(
      String runId, String migration, String operator, String host, int workers) {
    return Mono.defer(
        () -> {
          Instant now = clock.instant();
          Instant expires = now.plus(leaseDuration);
          Map<String, AttributeValue> values = new HashMap<>();
          values.put(":run", s(runId));
          values.put(":m", s(migration));
          values.put(":o", s(operator));
          values.put(":h", s(host));
          values.put(":now", t(now));
          values.put(":nowMs", n(now.toEpochMilli()));
          values.put(":exp", t(expires));
          values.put(":expMs", n(expires.toEpochMilli()));
          values.put(":zero", n(0));
          values.put(":one", n(1));
          values.put(":n", n(workers));
          UpdateItemRequest request =
              UpdateItemRequest.builder()
                  .tableName(table)
                  .key(KEY)
                  .updateExpression(
                      "SET #holder = :run, #migration = :m, #operator = :o, #host = :h,"
                          + " #acquiredAt = :now, #heartbeatAt = :now, #expiresAt = :exp,"
                          + " #expiresAtMs = :expMs, #fence = if_not_exists(#fence, :zero) + :one,"
                          + " #workers = :n")
                  .conditionExpression("attribute_not_exists(#holder) OR #expiresAtMs <= :nowMs")
                  .expressionAttributeNames(NAMES)
                  .expressionAttributeValues(values)
                  .returnValues(ReturnValue.ALL_OLD)
                  .build();
          return db.updateItem(request, Retries.SHARED)
              .map(
                  r -> {
                    Map<String, AttributeValue> old = r.attributes();
                    LockInfo previous = old != null && old.containsKey("holder") ? info(old) : null;
                    long fence = (old == null ? 0 : num(old, "fence")) + 1;
                    return new Lease(runId, fence, expires, previous);
                  })
              .onErrorResume(
                  ConditionalCheckFailedException.class,
                  e ->
                      current()
                          .flatMap(
                              held ->
                                  held.filter(h -> h.runId().equals(runId))
                                          .filter(h -> now.equals(h.acquiredAt()))
                                          .isPresent()
                                      // This very acquisition landed, and its answer was lost:
                                      // the retry found the lock already ours.
                                      ? Mono.just(
                                          new Lease(
                                              runId,
                                              held.get().fence(),
                                              held.get().expiresAt(),
                                              null))
                                      : Mono.<Lease>error(
                                          held.map(this::held)
                                              .orElseGet(
                                                  () ->
                                                      new PitrException(
                                                          ErrorCode.FAILED,
                                                          "The migration lock in "
                                                              + table
                                                              + " changed while taking it; rerun")))));
        });
  }

  /**
   * Takes the lock for worker {@code worker} of run {@code runId} across {@code worker.count()}
   * workers: joins the run's lease when another worker of the run holds it (the fence stays, so the
   * workers share it, and the joining worker's heartbeats renew it too: the lease lapses only when
   * every worker's heartbeat has stopped), else takes the lock as {@link #acquire} does, raising
   * the fence. A lease of the same run that lapsed is taken over too: every worker of it is dead.
   *
   * @throws PitrException {@link ErrorCode#REFUSED} naming the holder when another run holds it;
   *     {@link ErrorCode#USAGE} when the run holding it runs across another number of workers,
   *     worded as the ledger's check words it ({@link SharedRuns#otherWorkerCount}; {@code mode},
   *     dev or prod, is in the resume command it names)
   */
  Mono<Lease> join(
      String runId, String migration, RunMode mode, String operator, String host, int workers) {
    return Mono.defer(
        () -> {
          Instant now = clock.instant();
          Instant expires = now.plus(leaseDuration);
          UpdateItemRequest request =
              UpdateItemRequest.builder()
                  .tableName(table)
                  .key(KEY)
                  .updateExpression(
                      "SET #heartbeatAt = :now, #expiresAt = :exp, #expiresAtMs = :expMs")
                  .conditionExpression("#holder = :run AND #workers = :n AND #expiresAtMs > :nowMs")
                  .expressionAttributeNames(
                      names("#heartbeatAt #expiresAt #expiresAtMs #holder #workers"))
                  .expressionAttributeValues(
                      Map.of(
                          ":now", t(now),
                          ":nowMs", n(now.toEpochMilli()),
                          ":exp", t(expires),
                          ":expMs", n(expires.toEpochMilli()),
                          ":run", s(runId),
                          ":n", n(workers)))
                  .returnValues(ReturnValue.ALL_NEW)
                  .build();
          return db.updateItem(request, Retries.SHARED)
              .map(r -> new Lease(runId, num(r.attributes(), "fence"), expires, null))
              .onErrorResume(
                  ConditionalCheckFailedException.class,
                  e ->
                      acquire(runId, migration, operator, host, workers)
                          .onErrorResume(
                              PitrException.class,
                              refused ->
                                  lockItem()
                                      .flatMap(
                                          held ->
                                              Mono.error(
                                                  runId.equals(str(held, "holder"))
                                                          && held.containsKey("workers")
                                                      ? SharedRuns.otherWorkerCount(
                                                          runId,
                                                          migration,
                                                          mode,
                                                          num(held, "workers"),
                                                          workers,
                                                          false)
                                                      : refused))));
        });
  }

  PitrException held(LockInfo h) {
    Instant now = clock.instant();
    return new PitrException(
        ErrorCode.REFUSED,
        "Another migration run holds the lock in "
            + table
            + ": "
            + h.holder()
            + " (last heartbeat "
            + Duration.between(h.heartbeatAt(), now).toSeconds()
            + "s ago, lease expires "
            + h.expiresAt()
            + "); wait for it to finish, or if that run is dead, wait for the lease to expire or"
            + " run 'pitr migrate unlock'");
  }

  /** Renews {@code lease}; fails with {@link ErrorCode#FAILED} when another run has taken it. */
  Mono<Lease> heartbeat(Lease lease) {
    return Mono.defer(
        () -> {
          Instant now = clock.instant();
          Instant expires = now.plus(leaseDuration);
          UpdateItemRequest request =
              UpdateItemRequest.builder()
                  .tableName(table)
                  .key(KEY)
                  .updateExpression(
                      "SET #heartbeatAt = :now, #expiresAt = :exp, #expiresAtMs = :expMs")
                  .conditionExpression("#holder = :run AND #fence = :f")
                  .expressionAttributeNames(
                      names("#heartbeatAt #expiresAt #expiresAtMs #holder #fence"))
                  .expressionAttributeValues(
                      Map.of(
                          ":now", t(now),
                          ":exp", t(expires),
                          ":expMs", n(expires.toEpochMilli()),
                          ":run", s(lease.runId()),
                          ":f", n(lease.fence())))
                  .build();
          return db.updateItem(request, Retries.SHARED)
              .thenReturn(new Lease(lease.runId(), lease.fence(), expires, lease.takenOver()))
              .onErrorMap(ConditionalCheckFailedException.class, e -> lost(lease));
        });
  }

  PitrException lost(Lease lease) {
    return lost(lease, table);
  }

  /** The failure of a run whose lease on the lock in {@code table} was taken from it. */
  static PitrException lost(Lease lease, String table) {
    return new PitrException(
        ErrorCode.FAILED,
        "Run "
            + lease.runId()
            + " lost the migration lock in "
            + table
            + " (fence "
            + lease.fence()
            + "): its lease expired and another run or 'pitr migrate unlock' took it, so this run"
            + " stopped; its writes so far are journaled. Check 'pitr migrate list', then resume or"
            + " roll back");
  }

  /** Releases {@code lease}; does nothing when it was already lost. */
  Mono<Void> release(Lease lease) {
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(KEY)
            .updateExpression("REMOVE " + HOLDER_ATTRIBUTES)
            .conditionExpression("#holder = :run AND #fence = :f")
            .expressionAttributeNames(NAMES)
            .expressionAttributeValues(Map.of(":run", s(lease.runId()), ":f", n(lease.fence())))
            .build();
    return db.updateItem(request, Retries.SHARED)
        .then()
        .onErrorResume(ConditionalCheckFailedException.class, e -> Mono.empty());
  }

  /** The current holder, if any (also one whose lease has lapsed). */
  public Mono<Optional<LockInfo>> current() {
    return lockItem()
        .map(i -> i.containsKey("holder") ? Optional.of(info(i)) : Optional.<LockInfo>empty());
  }

  /** The lock's item as stored, read consistently; empty when there is none. */
  private Mono<Map<String, AttributeValue>> lockItem() {
    return db.getItem(
            GetItemRequest.builder().tableName(table).key(KEY).consistentRead(true).build())
        .defaultIfEmpty(Map.of());
  }

  /**
   * Breaks the lock {@code expected} holds, raising the fence so that run can no longer write the
   * ledger. For operators, after they made sure the holder is dead.
   *
   * @throws PitrException {@link ErrorCode#REFUSED} when the lock changed since it was shown
   */
  public Mono<LockInfo> forceUnlock(LockInfo expected) {
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(KEY)
            .updateExpression("REMOVE " + HOLDER_ATTRIBUTES + " SET #fence = #fence + :one")
            .conditionExpression("#holder = :run AND #fence = :f")
            .expressionAttributeNames(NAMES)
            .expressionAttributeValues(
                Map.of(":run", s(expected.runId()), ":f", n(expected.fence()), ":one", n(1)))
            .build();
    return db.updateItem(request, Retries.SHARED)
        .thenReturn(expected)
        .onErrorMap(
            ConditionalCheckFailedException.class,
            e ->
                new PitrException(
                    ErrorCode.REFUSED,
                    "The migration lock in "
                        + table
                        + " changed since it was read (no longer held by run "
                        + expected.runId()
                        + "); run 'pitr migrate unlock' again to see the current holder"));
  }

  static LockInfo info(Map<String, AttributeValue> item) {
    return new LockInfo(
        str(item, "holder"),
        str(item, "migration"),
        str(item, "operator"),
        str(item, "host"),
        time(item, "acquiredAt"),
        time(item, "heartbeatAt"),
        time(item, "expiresAt"),
        num(item, "fence"));
  }
}
