package pitr.migrate;

import static pitr.migrate.Attrs.dbl;
import static pitr.migrate.Attrs.n;
import static pitr.migrate.Attrs.num;
import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;
import static pitr.migrate.Attrs.t;
import static pitr.migrate.Attrs.time;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Worker;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Retries;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The ledger's side of a run across N workers ({@code --worker I/N}): one run record for the run,
 * one lease on the lock shared by its workers (see {@link LeaseLock#join}), and one worker entry
 * per worker.
 *
 * <ul>
 *   <li>The run record ({@link Ledger}) also holds {@code workers} (N), {@code workersDone} and
 *       {@code workersFailed} (NS, the 1-based workers whose last attempt finished or failed; a
 *       worker's new attempt takes it out of {@code workersFailed}, so that the run does not end
 *       while it runs) and {@code journalEpochs} (N): every attempt of a worker journals under an
 *       epoch of its own, taken from this counter, in place of the lock's fence (so its journal
 *       items and commit marker never collide with another worker's, and a later attempt's sort
 *       after an earlier one's). The first worker creates the record; the others join it.
 *   <li>Worker entry: {@code pk=worker#<runId>}, {@code sk=<I>} (5 digits): state ({@code RUNNING},
 *       {@code DONE}, {@code FAILED}), heartbeat and lease expiry, host, AWS Batch job id, and what
 *       the worker's attempt did so far (items read, writes confirmed, their WCU); renewed with
 *       every heartbeat.
 * </ul>
 *
 * <p>The run ends when its last worker does: that worker records the run's status ({@code
 * SUCCEEDED} when every worker finished, else {@code FAILED}), its counts (the sum of every
 * attempt's commit marker in the journal, so each worker's writes count once however often Batch
 * retried it), and releases the lock. A worker killed without ending leaves the run RUNNING under
 * the lock until every worker's heartbeat has lapsed; resuming it ({@code pitr migrate resume NAME
 * --worker I/N}) joins the run again.
 *
 * <p>Writes are fenced on the run record's {@code fence}, which a worker raises to the lock's when
 * it takes the lock over: a worker whose lease was taken can no longer change the record.
 */
final class WorkerLedger {
  private final DynamoDbGateway db;
  private final String table;

  WorkerLedger(DynamoDbGateway db, String table) {
    this.db = db;
    this.table = table;
  }

  /** A worker's attempt as started: the run record as stored and the attempt's journal epoch. */
  record Joined(RunRecord record, long epoch) {}

  /** How the run stands after a worker ended. */
  record Ended(Set<Integer> done, Set<Integer> failed, int workers, String error) {
    /** True when every worker ended: the run ends with this worker. */
    boolean last() {
      return done.size() + failed.size() >= workers;
    }
  }

  private static Map<String, AttributeValue> key(String migration, String runId) {
    return Map.of(Ledger.PK, s("run"), Ledger.SK, s(migration + "#" + runId));
  }

  /**
   * Starts an attempt of worker {@code w}: stores {@code fresh} unless a worker of the run did
   * already, else marks the run RUNNING under {@code lease}'s fence; then takes a journal epoch.
   */
  Mono<Joined> start(RunRecord fresh, Lease lease, Worker w) {
    TransactWriteItem create =
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(table)
                        .item(Ledger.item(fresh))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", Ledger.PK)))
            .build();
    TransactWriteItem rejoin =
        TransactWriteItem.builder()
            .update(
                u ->
                    u.tableName(table)
                        .key(key(fresh.migration(), fresh.runId()))
                        .updateExpression(
                            "SET #st = :running, #fence = :f, #op = :op, #host = :host"
                                + " REMOVE finishedAt")
                        .conditionExpression(
                            "#workers = :n AND #st IN (:running, :failed) AND #sum = :sum")
                        .expressionAttributeNames(
                            Map.of(
                                "#st", "status",
                                "#fence", "fence",
                                "#op", "operator",
                                "#host", "host",
                                "#workers", "workers",
                                "#sum", "checksum"))
                        .expressionAttributeValues(
                            Map.of(
                                ":running", s(MigrationState.RUNNING.name()),
                                ":failed", s(MigrationState.FAILED.name()),
                                ":f", n(lease.fence()),
                                ":op", s(fresh.operator()),
                                ":host", s(fresh.host()),
                                ":n", n(w.count()),
                                ":sum", s(fresh.checksum()))))
            .build();
    return fenced(create, lease)
        .onErrorResume(WorkerLedger::secondFailed, e -> fenced(rejoin, lease))
        .onErrorMap(
            WorkerLedger::secondFailed,
            e ->
                new PitrException(
                    ErrorCode.USAGE,
                    "Run "
                        + fresh.runId()
                        + " of "
                        + fresh.migration()
                        + " in "
                        + table
                        + " changed while worker "
                        + w
                        + " joined it (it finished, was rolled back, or runs another source or"
                        + " number of workers); check 'pitr migrate list'"))
        .then(epoch(fresh, lease, w))
        .map(item -> new Joined(Ledger.record(item), num(item, "journalEpochs")));
  }

  private static boolean secondFailed(Throwable e) {
    return e instanceof TransactionCanceledException tce
        && tce.hasCancellationReasons()
        && tce.cancellationReasons().size() > 1
        && "ConditionalCheckFailed".equals(tce.cancellationReasons().get(1).code());
  }

  /**
   * Takes a journal epoch for an attempt of worker {@code w}, which is no longer failed: while it
   * runs, another worker ending must not take the run for ended (and release the lock under it).
   */
  private Mono<Map<String, AttributeValue>> epoch(RunRecord run, Lease lease, Worker w) {
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(run.migration(), run.runId()))
            .updateExpression("ADD journalEpochs :one DELETE workersFailed :me")
            .conditionExpression("#fence = :f")
            .expressionAttributeNames(Map.of("#fence", "fence"))
            .expressionAttributeValues(
                Map.of(
                    ":one",
                    n(1),
                    ":f",
                    n(lease.fence()),
                    ":me",
                    AttributeValue.fromNs(List.of(Integer.toString(w.index())))))
            .returnValues(ReturnValue.ALL_NEW)
            .build();
    return db.updateItem(request, Retries.SHARED)
        .map(r -> r.attributes())
        .onErrorMap(ConditionalCheckFailedException.class, e -> LeaseLock.lost(lease, table));
  }

  /**
   * Records that worker {@code w}'s attempt ended: finished ({@code error} null) or failed.
   * Idempotent: a worker recorded twice is in its set once.
   */
  Mono<Ended> ended(RunRecord run, Lease lease, Worker w, String error) {
    AttributeValue me = AttributeValue.fromNs(List.of(Integer.toString(w.index())));
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":me", me);
    values.put(":f", n(lease.fence()));
    String update =
        error == null
            ? "ADD workersDone :me DELETE workersFailed :me"
            : "ADD workersFailed :me DELETE workersDone :me SET #err = :err";
    if (error != null) {
      values.put(":err", s("worker " + w + ": " + error));
    }
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(run.migration(), run.runId()))
            .updateExpression(update)
            .conditionExpression("#fence = :f")
            .expressionAttributeNames(
                error == null
                    ? Map.of("#fence", "fence")
                    : Map.of("#fence", "fence", "#err", "error"))
            .expressionAttributeValues(values)
            .returnValues(ReturnValue.ALL_NEW)
            .build();
    return db.updateItem(request, Retries.SHARED)
        .map(r -> ended(r.attributes()))
        .onErrorMap(ConditionalCheckFailedException.class, e -> LeaseLock.lost(lease, table));
  }

  private static Ended ended(Map<String, AttributeValue> item) {
    return new Ended(
        numbers(item, "workersDone"),
        numbers(item, "workersFailed"),
        (int) Math.max(1, num(item, "workers")),
        str(item, "error"));
  }

  private static Set<Integer> numbers(Map<String, AttributeValue> item, String name) {
    Set<Integer> out = new TreeSet<>();
    AttributeValue v = item.get(name);
    if (v != null && v.hasNs()) {
      v.ns().forEach(x -> out.add(Integer.parseInt(x)));
    }
    return out;
  }

  /** How the workers of {@code run} stand, as its record says; empty when it has no record. */
  Mono<Ended> workers(String migration, String runId) {
    return db.getItem(
            GetItemRequest.builder()
                .tableName(table)
                .key(key(migration, runId))
                .consistentRead(true)
                .build())
        .map(WorkerLedger::ended);
  }

  /** Records how the run ended, with its counts; the last worker's to do. */
  Mono<Void> finish(
      RunRecord run,
      Lease lease,
      MigrationState status,
      Instant at,
      CommitMarker.Counts counts,
      String error) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":st", s(status.name()));
    values.put(":at", t(at));
    values.put(":r", n(counts.read()));
    values.put(":w", n(counts.written()));
    values.put(":u", n(Math.round(counts.wcu() * 10) / 10.0));
    values.put(":f", n(lease.fence()));
    String update = "SET #st = :st, finishedAt = :at, itemsRead = :r, itemsWritten = :w, wcu = :u";
    if (error != null) {
      values.put(":err", s(error));
      update += ", #err = :err";
    } else {
      // A worker that failed and was resumed left its error.
      update += " REMOVE #err";
    }
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(table)
            .key(key(run.migration(), run.runId()))
            .updateExpression(update)
            .conditionExpression("#fence = :f")
            .expressionAttributeNames(Map.of("#st", "status", "#fence", "fence", "#err", "error"))
            .expressionAttributeValues(values)
            .build();
    return db.updateItem(request, Retries.SHARED)
        .then()
        .onErrorMap(ConditionalCheckFailedException.class, e -> LeaseLock.lost(lease, table));
  }

  /**
   * One worker's entry, as its heartbeats and its end write it.
   *
   * @param worker I/N
   * @param state RUNNING, DONE or FAILED
   * @param heartbeat its last heartbeat
   * @param expires when its heartbeat lapses
   * @param host where it runs
   * @param batchJobId its AWS Batch job id, or null
   * @param read items its attempt read
   * @param written writes its attempt confirmed
   */
  record WorkerEntry(
      Worker worker,
      String state,
      Instant heartbeat,
      Instant expires,
      String host,
      String batchJobId,
      long read,
      long written) {}

  /** Writes worker {@code e}'s entry of {@code runId}. */
  Mono<Void> beat(String runId, WorkerEntry e) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Ledger.PK, s("worker#" + runId));
    item.put(Ledger.SK, s(String.format("%05d", e.worker().index())));
    item.put("worker", s(e.worker().toString()));
    item.put("state", s(e.state()));
    item.put("heartbeatAt", t(e.heartbeat()));
    item.put("expiresAt", t(e.expires()));
    item.put("host", s(e.host()));
    if (e.batchJobId() != null) {
      item.put("batchJobId", s(e.batchJobId()));
    }
    item.put("read", n(e.read()));
    item.put("written", n(e.written()));
    return db.putItem(PutItemRequest.builder().tableName(table).item(item).build(), Retries.SHARED)
        .then();
  }

  /** The worker entries of {@code runId}, by worker. */
  Mono<List<WorkerEntry>> entries(String runId) {
    QueryRequest q =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("pk = :pk")
            .expressionAttributeValues(Map.of(":pk", s("worker#" + runId)))
            .consistentRead(true)
            .build();
    return db.queryPages(q)
        .flatMapIterable(r -> r.items())
        .map(
            i ->
                new WorkerEntry(
                    Worker.parse(str(i, "worker")),
                    str(i, "state"),
                    time(i, "heartbeatAt"),
                    time(i, "expiresAt"),
                    str(i, "host"),
                    str(i, "batchJobId"),
                    num(i, "read"),
                    (long) dbl(i, "written")))
        .collectList();
  }

  private Mono<Void> fenced(TransactWriteItem write, Lease lease) {
    return Ledger.fenced(db, table, write, lease);
  }
}
