package pitr.migrate;

import static pitr.migrate.Attrs.dbl;
import static pitr.migrate.Attrs.n;
import static pitr.migrate.Attrs.num;
import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;
import static pitr.migrate.Attrs.t;
import static pitr.migrate.Attrs.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.NearestNames;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.DynamoErrors;
import pitr.dynamo.Retries;
import pitr.migrate.api.RunMode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The ledger: a DynamoDB table (default {@code pitr-ledger}, created on first run) recording every
 * run of every migration, the lease lock and scan checkpoints. Records stay when migration files
 * are deleted.
 *
 * <p>Key schema: {@code pk} (S, hash) and {@code sk} (S, range), on-demand billing.
 *
 * <ul>
 *   <li>Run: {@code pk=run}, {@code sk=<migration>#<runId>}; attributes as in {@link RunRecord}
 *       (instants as ISO-8601 strings).
 *   <li>Lock: {@code pk=lock}, {@code sk=lock}; see {@link LeaseLock}.
 *   <li>Checkpoint: {@code pk=checkpoint#<runId>}, {@code sk=<table>#<pass>#<segment>}; {@code
 *       lastKey} (M, the scan's LastEvaluatedKey after the last finished page) or {@code done};
 *       {@code items} (N, items of the segment read so far); {@code journalFrom} (S, where the
 *       journal holds the next page's entries, see {@link Journal#position()}). A segment's first
 *       checkpoint is saved before its first page, so a resumed run knows where to look.
 * </ul>
 *
 * <p>Writes of a run (its record, its checkpoints) are fenced: a transaction checks that the lock
 * still carries the run's fencing token, so a run that lost its lease cannot overwrite a newer one.
 */
public final class Ledger {
  static final String PK = "pk";
  static final String SK = "sk";

  private final DynamoDbGateway db;
  private final String table;

  /**
   * Whether the table was seen to exist: a table once seen is not described again (a command that
   * checks for it and then reads its runs asks once). One deleted since then fails the read that
   * follows, as a missing table does; it does not read as an empty ledger.
   */
  private volatile boolean seen;

  Ledger(DynamoDbGateway db, String table) {
    this.db = db;
    this.table = table;
  }

  /** The ledger table's name. */
  public String table() {
    return table;
  }

  static CreateTableRequest createRequest(String table) {
    return CreateTableRequest.builder()
        .tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder()
                .attributeName(PK)
                .attributeType(ScalarAttributeType.S)
                .build(),
            AttributeDefinition.builder()
                .attributeName(SK)
                .attributeType(ScalarAttributeType.S)
                .build())
        .keySchema(
            KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build())
        .build();
  }

  /**
   * Creates the ledger table unless it exists; refuses ({@link ErrorCode#REFUSED}) when it cannot
   * be created or is not a ledger.
   */
  Mono<Void> ensureTable() {
    return LedgerTables.LEDGER.ensure(db, createRequest(table), Duration.ofMinutes(5));
  }

  /**
   * Every run recorded, ordered by migration name and then run id (which is not their order in
   * time: sort by {@link RunRecord#BY_START} for that).
   */
  public Flux<RunRecord> runs() {
    return exists().flatMapMany(e -> e ? query("run", null) : Flux.empty());
  }

  /**
   * Every run of {@code migration}, oldest first ({@link RunRecord#BY_START}: by start, ties by run
   * id), so the last is its latest run.
   */
  public Flux<RunRecord> runs(String migration) {
    return exists()
        .flatMapMany(e -> e ? query("run", migration + "#") : Flux.empty())
        .sort(RunRecord.BY_START);
  }

  /** Run {@code runId} of {@code migration}, read by its key (GetItem); empty when not recorded. */
  public Mono<RunRecord> run(String migration, String runId) {
    return db.getItem(
            software.amazon.awssdk.services.dynamodb.model.GetItemRequest.builder()
                .tableName(table)
                .key(Map.of(PK, s("run"), SK, s(migration + "#" + runId)))
                .consistentRead(true)
                .build())
        .map(Ledger::record);
  }

  /** Whether the ledger table exists (it is created by the first run). */
  public Mono<Boolean> exists() {
    if (seen) {
      return Mono.just(true);
    }
    return db.findTable(table).hasElement().doOnNext(e -> seen = e);
  }

  /**
   * Empty when the ledger table exists; else why there are no runs to read: it does not exist in
   * the target (no migration ran there, or {@code --ledger-table} or the target is mistyped), with
   * the target's tables of names near it.
   */
  public Mono<String> absence() {
    return exists()
        .filter(e -> !e)
        .flatMap(
            e ->
                DynamoErrors.nearest(db.listTables(), table, 2)
                    .map(
                        near ->
                            "Ledger table "
                                + table
                                + " does not exist in "
                                + db.target()
                                + " ("
                                + (near.isEmpty()
                                    ? "no migration has run there"
                                    : NearestNames.question(near))
                                + ")"));
  }

  /**
   * Refuses, naming the ledger table and the tables near its name, a command that needs runs (to
   * roll back, resume or stamp) when the ledger table does not exist.
   *
   * @throws PitrException {@link ErrorCode#USAGE}
   */
  public Mono<Void> requireExists(String needed) {
    return absence()
        .flatMap(
            why ->
                Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        why
                            + ", so there is no run "
                            + needed
                            + "; pass the --ledger-table (and target) the migrations ran with")));
  }

  private Flux<RunRecord> query(String pk, String prefix) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":pk", s(pk));
    String condition = "#pk = :pk";
    if (prefix != null) {
      values.put(":p", s(prefix));
      condition += " AND begins_with(#sk, :p)";
    }
    QueryRequest first =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression(condition)
            .expressionAttributeNames(
                prefix == null ? Map.of("#pk", PK) : Map.of("#pk", PK, "#sk", SK))
            .expressionAttributeValues(values)
            .consistentRead(true)
            .build();
    return db.queryPages(first).flatMapIterable(r -> r.items()).map(Ledger::record);
  }

  /** Stores {@code run}, provided {@code lease} still holds the lock. */
  Mono<Void> save(RunRecord run, Lease lease) {
    return fenced(
        TransactWriteItem.builder().put(p -> p.tableName(table).item(item(run))).build(), lease);
  }

  /**
   * Marks a run a killed process left RUNNING as FAILED, once its lease has been taken over, with
   * {@code resume}, the quoted command that resumes it, in its error. Does nothing if it is no
   * longer RUNNING.
   */
  Mono<Void> markInterrupted(LockInfo dead, Instant at) {
    return resumeOf(dead).flatMap(resume -> markInterrupted(dead, at, resume));
  }

  /**
   * The quoted command that resumes run {@code dead}, whose process died holding the lock: with
   * {@code --prod} when its record says it ran in prod; when the record cannot be read, the command
   * with a reminder to add it for a prod run.
   */
  Mono<String> resumeOf(LockInfo dead) {
    return runs(dead.migration())
        .filter(r -> r.runId().equals(dead.runId()))
        .next()
        .map(r -> "'pitr " + RunFailedException.resumeArgs(dead.migration(), r.mode()) + "'")
        .onErrorResume(e -> Mono.empty())
        .defaultIfEmpty(
            "'pitr migrate resume " + dead.migration() + "', with --prod for a prod run,");
  }

  /** As {@link #markInterrupted(LockInfo, Instant)}, with {@code resume} already looked up. */
  Mono<Void> markInterrupted(LockInfo dead, Instant at, String resume) {
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(Map.of(PK, s("run"), SK, s(dead.migration() + "#" + dead.runId())))
            .updateExpression("SET #st = :failed, finishedAt = :at, #err = :err")
            .conditionExpression("#st = :running AND #fence = :f")
            .expressionAttributeNames(Map.of("#st", "status", "#err", "error", "#fence", "fence"))
            .expressionAttributeValues(
                Map.of(
                    ":failed", s(MigrationState.FAILED.name()),
                    ":running", s(MigrationState.RUNNING.name()),
                    ":at", t(at),
                    ":f", n(dead.fence()),
                    ":err",
                        s(
                            "lease expired at "
                                + dead.expiresAt()
                                + " without a heartbeat (the run was killed or lost its"
                                + " connection); resume it with "
                                + resume
                                + " or roll it back")))
            .build();
    return db.updateItem(request, Retries.SHARED)
        .then()
        .onErrorResume(ConditionalCheckFailedException.class, e -> Mono.empty());
  }

  /**
   * Records that {@code run} was rolled back: status {@code ROLLED_BACK}, when and by whom, the
   * counts and the recovery point (attributes {@code rolledBackAt}, {@code rolledBackBy} and map
   * {@code rollback}). Written in one transaction that also checks {@code lease} still holds the
   * migration lock, so it cannot race a migration run that took the lock, and that the run is still
   * SUCCEEDED or FAILED, so a run is marked rolled back once.
   *
   * @throws PitrException {@link ErrorCode#FAILED} when the lease was lost (nothing is written);
   *     {@link ErrorCode#REFUSED} when the run is not SUCCEEDED or FAILED any more
   */
  public Mono<Void> markRolledBack(RunRecord run, RollbackEntry rollback, Lease lease) {
    TransactWriteItem update = rolledBack(run, rollback, MARKABLE);
    return fenced(update, lease)
        .onErrorMap(
            e ->
                e instanceof TransactionCanceledException tce
                    && tce.hasCancellationReasons()
                    && tce.cancellationReasons().size() > 1
                    && "ConditionalCheckFailed".equals(tce.cancellationReasons().get(1).code()),
            e ->
                new PitrException(
                    ErrorCode.REFUSED,
                    "Run "
                        + run.runId()
                        + " of "
                        + run.migration()
                        + " is no longer SUCCEEDED, FAILED or RUNNING in "
                        + table
                        + " (rolled back or resumed meanwhile), so it was not marked ROLLED_BACK;"
                        + " check 'pitr migrate list'"));
  }

  /** The states a run is marked ROLLED_BACK from (RUNNING: a run whose process died). */
  private static final String MARKABLE = "#st IN (:succeeded, :failed, :running)";

  /**
   * The update of {@link #markRolledBack}: status ROLLED_BACK, when, who and {@code rollback}, on
   * {@code condition} (which may name {@code #st} and the three states it is marked from).
   */
  private TransactWriteItem rolledBack(RunRecord run, RollbackEntry rollback, String condition) {
    Map<String, AttributeValue> details = new LinkedHashMap<>();
    details.put("rollbackId", s(rollback.rollbackId()));
    details.put("at", t(rollback.at()));
    details.put("by", s(rollback.by()));
    details.put("restored", n(rollback.restored()));
    details.put("deleted", n(rollback.deleted()));
    details.put("alreadyApplied", n(rollback.alreadyApplied()));
    details.put("conflicts", n(rollback.conflicts()));
    details.put("recoveryPoint", t(rollback.recoveryPoint()));
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(runKey(run))
                    .updateExpression(
                        "SET #st = :rb, rolledBackAt = :at, rolledBackBy = :by, #rollback = :r")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#st", "status", "#rollback", "rollback"))
                    .expressionAttributeValues(
                        Map.of(
                            ":rb", s(MigrationState.ROLLED_BACK.name()),
                            ":at", t(rollback.at()),
                            ":by", s(rollback.by()),
                            ":r", AttributeValue.fromM(details),
                            ":succeeded", s(MigrationState.SUCCEEDED.name()),
                            ":failed", s(MigrationState.FAILED.name()),
                            ":running", s(MigrationState.RUNNING.name()))))
        .build();
  }

  private static Map<String, AttributeValue> runKey(RunRecord run) {
    return Map.of(PK, s("run"), SK, s(run.migration() + "#" + run.runId()));
  }

  /**
   * Proves, changing nothing, that {@link #markRolledBack} of {@code run} can be written: sends its
   * very transaction (the check that {@code lease} holds the lock, ConditionCheckItem, and the
   * update of the run's item, UpdateItem, on the same keys and attributes) with a condition on the
   * run's item that no item meets, so DynamoDB authorizes both actions, then cancels the
   * transaction. A rollback calls it before its first item write, so credentials that could not
   * record the rollback are refused before the live table is touched.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when IAM denies either action (the message names
   *     it); {@link ErrorCode#FAILED} when the lease was lost
   */
  public Mono<Void> proveCanMarkRolledBack(RunRecord run, Lease lease) {
    RollbackEntry nothing =
        new RollbackEntry("proof", run.startedAt(), lease.runId(), 0, 0, 0, 0, run.startedAt());
    TransactWriteItem update =
        rolledBack(run, nothing, MARKABLE + " AND attribute_not_exists(#st)");
    return fenced(update, lease)
        .then(
            Mono.<Void>error(
                () ->
                    new IllegalStateException(
                        "the proof of the ledger write met a condition no item meets")))
        .onErrorResume(
            e ->
                e instanceof TransactionCanceledException tce
                    && tce.hasCancellationReasons()
                    && tce.cancellationReasons().size() > 1
                    && !"ConditionalCheckFailed".equals(tce.cancellationReasons().get(0).code())
                    && "ConditionalCheckFailed".equals(tce.cancellationReasons().get(1).code()),
            e -> Mono.empty());
  }

  /** Checkpoints of {@code runId}: checkpoint id to the scan position after its last page. */
  Mono<Map<String, Checkpoint>> checkpoints(String runId) {
    QueryRequest first =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("pk = :pk")
            .expressionAttributeValues(Map.of(":pk", s("checkpoint#" + runId)))
            .consistentRead(true)
            .build();
    return db.queryPages(first)
        .flatMapIterable(r -> r.items())
        .collectMap(
            i -> str(i, SK),
            i ->
                new Checkpoint(
                    i.containsKey("lastKey") ? i.get("lastKey").m() : null,
                    i.containsKey("done") && Boolean.TRUE.equals(i.get("done").bool()),
                    num(i, "items"),
                    str(i, "journalFrom")));
  }

  /**
   * A scan position: after the page that ended at {@code lastKey}, or the whole segment.
   *
   * @param lastKey the LastEvaluatedKey of the last page done; null before the first page
   * @param done whether the segment is done
   * @param items items of the segment read so far
   * @param journalFrom the {@link Journal#position()} from where the journal holds the entries of
   *     the segment's next page; null when not known (no journal, or saved by an older version)
   */
  record Checkpoint(
      Map<String, AttributeValue> lastKey, boolean done, long items, String journalFrom) {}

  Mono<Void> saveCheckpoint(String runId, String id, Checkpoint checkpoint, Lease lease) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s("checkpoint#" + runId));
    item.put(SK, s(id));
    item.put("done", AttributeValue.fromBool(checkpoint.done()));
    item.put("items", n(checkpoint.items()));
    if (checkpoint.lastKey() != null) {
      item.put("lastKey", AttributeValue.fromM(checkpoint.lastKey()));
    }
    if (checkpoint.journalFrom() != null) {
      item.put("journalFrom", s(checkpoint.journalFrom()));
    }
    return fenced(
        TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build(), lease);
  }

  private Mono<Void> fenced(TransactWriteItem write, Lease lease) {
    return fenced(db, table, write, lease);
  }

  /**
   * Writes {@code write} in one transaction with a check that {@code lease} still holds the lock in
   * ledger {@code table}; a lost lock fails as {@link LeaseLock#lost}.
   */
  static Mono<Void> fenced(DynamoDbGateway db, String table, TransactWriteItem write, Lease lease) {
    TransactWriteItem check =
        TransactWriteItem.builder()
            .conditionCheck(
                c ->
                    c.tableName(table)
                        .key(LeaseLock.KEY)
                        .conditionExpression("#holder = :run AND #fence = :f")
                        .expressionAttributeNames(Map.of("#holder", "holder", "#fence", "fence"))
                        .expressionAttributeValues(
                            Map.of(":run", s(lease.runId()), ":f", n(lease.fence()))))
            .build();
    return db.transactWrite(
            table, TransactWriteItemsRequest.builder().transactItems(check, write).build())
        .then()
        .onErrorMap(
            e ->
                e instanceof TransactionCanceledException tce
                    && tce.hasCancellationReasons()
                    && "ConditionalCheckFailed".equals(tce.cancellationReasons().get(0).code()),
            e -> LeaseLock.lost(lease, table));
  }

  static Map<String, AttributeValue> item(RunRecord r) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s("run"));
    item.put(SK, s(r.migration() + "#" + r.runId()));
    item.put("runId", s(r.runId()));
    item.put("migration", s(r.migration()));
    item.put("checksum", s(r.checksum()));
    item.put("mode", s(r.mode().name()));
    item.put("operator", s(r.operator()));
    item.put("host", s(r.host()));
    item.put("status", s(r.status().name()));
    item.put("startedAt", t(r.startedAt()));
    if (r.finishedAt() != null) {
      item.put("finishedAt", t(r.finishedAt()));
    }
    if (r.restorePoint() != null) {
      item.put("restorePoint", t(r.restorePoint()));
    }
    Map<String, AttributeValue> earliest = new LinkedHashMap<>();
    r.earliestRestorable().forEach((k, v) -> earliest.put(k, t(v)));
    item.put("earliestRestorable", AttributeValue.fromM(earliest));
    item.put("tables", AttributeValue.fromL(r.tables().stream().map(Attrs::s).toList()));
    item.put("itemsRead", n(r.itemsRead()));
    item.put("itemsWritten", n(r.itemsWritten()));
    item.put("wcu", n(r.wcu()));
    if (r.error() != null) {
      item.put("error", s(r.error()));
    }
    item.put("fence", n(r.fence()));
    item.put("attempts", n(r.attempts()));
    item.put("journalTable", s(r.journalTable()));
    item.put("journalShards", n(r.journalShards()));
    if (r.workers() > 1) {
      item.put("workers", n(r.workers()));
    }
    return item;
  }

  static RunRecord record(Map<String, AttributeValue> i) {
    Map<String, Instant> earliest = new LinkedHashMap<>();
    if (i.containsKey("earliestRestorable")) {
      i.get("earliestRestorable").m().forEach((k, v) -> earliest.put(k, Instant.parse(v.s())));
    }
    List<String> tables = new ArrayList<>();
    if (i.containsKey("tables")) {
      i.get("tables").l().forEach(v -> tables.add(v.s()));
    }
    return RunRecord.builder()
        .identity(
            str(i, "runId"),
            str(i, "migration"),
            str(i, "checksum"),
            RunMode.valueOf(str(i, "mode")))
        .by(str(i, "operator"), str(i, "host"))
        .status(MigrationState.valueOf(str(i, "status")))
        .startedAt(time(i, "startedAt"))
        .finishedAt(time(i, "finishedAt"))
        .restorePoint(time(i, "restorePoint"))
        .earliestRestorable(earliest)
        .tables(tables)
        .counts(num(i, "itemsRead"), num(i, "itemsWritten"), dbl(i, "wcu"))
        .error(str(i, "error"))
        .fence(num(i, "fence"))
        .attempts((int) num(i, "attempts"))
        .journal(str(i, "journalTable"), (int) num(i, "journalShards"))
        .workers((int) num(i, "workers"))
        .build();
  }
}
