package pitr.copy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.dynamo.Retries;
import pitr.dynamo.ScanSpec;
import pitr.dynamo.WriteProbe;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Checkpoints in a DynamoDB table (created on demand, on-demand billing), keyed by {@code run} and
 * {@code part}: {@code run} for the run, {@code segment#NNNNNN} per segment, {@code lease#I/N} per
 * worker, {@code failures#<path>} per failure file. Any machine with access can resume any worker
 * (a failure file, though, is on the disk of the machine that wrote it).
 *
 * <p>Workers that start together may all find the table missing; each tries to create it and the
 * ones that lose the race wait for it to be ACTIVE. An existing table whose key is not {@code run}
 * (S) and {@code part} (S) is refused with {@link ErrorCode#USAGE} before anything is written;
 * {@link #check} refuses it, and the calls IAM would deny, before a command's first change, and
 * leaves a missing table to be created when the run is opened.
 */
public final class TableCheckpoints implements Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(TableCheckpoints.class);

  static final KeySchema SCHEMA =
      new KeySchema("run", ScalarAttributeType.S, "part", ScalarAttributeType.S);

  /**
   * The part marking an abandoned run: when and by whom. A lease holds heartbeat, owner, expiry.
   */
  private static final String ABANDONED = "abandoned";

  private final DynamoDbGateway gateway;
  private final String table;
  private Mono<Void> ready;

  private TableCheckpoints(DynamoDbGateway gateway, String table) {
    this.gateway = gateway;
    this.table = table;
    this.ready =
        gateway
            .findTable(table)
            .switchIfEmpty(Mono.defer(this::create))
            .flatMap(this::usable)
            .then()
            .cache();
  }

  public static TableCheckpoints in(DynamoDbGateway gateway, String table) {
    return new TableCheckpoints(gateway, table);
  }

  private Mono<TableDescription> usable(TableDescription d) {
    return refuseOtherKey(d)
        .then(
            Mono.defer(() -> d.tableStatus() == TableStatus.ACTIVE ? Mono.just(d) : awaitActive()));
  }

  /** Refuses a table whose key is not the checkpoints' one ({@link OtherKey}). */
  private Mono<Void> refuseOtherKey(TableDescription d) {
    KeySchema key = KeySchema.of(d);
    if (key.equals(SCHEMA)) {
      return Mono.empty();
    }
    return Mono.error(
        new OtherKey(
            "Checkpoint table "
                + table
                + " has the key "
                + key.describe()
                + ", but checkpoints need "
                + SCHEMA.describe()
                + "; pass a --checkpoint-table that does not exist yet (pitr creates it) or one"
                + " pitr created"));
  }

  /** The refusal of a checkpoint table whose key is not {@code run} and {@code part}. */
  private static final class OtherKey extends PitrException {
    private static final long serialVersionUID = 1L;

    OtherKey(String message) {
      super(ErrorCode.USAGE, message);
    }
  }

  /**
   * Whether {@code e} is (or was caused by) the refusal of a checkpoint table whose key is not the
   * checkpoints' one: another {@code --checkpoint-table} is the fix, not a rerun with the same one.
   */
  public static boolean refusedForItsKey(Throwable e) {
    return PitrException.causedBy(e, OtherKey.class);
  }

  /** The run and part of the put {@link #check} proves, which its condition keeps from landing. */
  private static final String PROBE = "pitr#check";

  /**
   * Checks, changing nothing, that this table can keep a run's checkpoints; commands call it before
   * their first change (a restore, an export, a plan's scan, a write). A table that exists must
   * have the key {@code run} (S) and {@code part} (S), else it is refused as a run would refuse it;
   * and the credentials must be allowed the calls a run makes on it: DescribeTable, Query, and
   * PutItem, proved with a put whose condition no item meets (DynamoDB authorizes the call, then
   * refuses it). A table that does not exist is not created here, as a mistyped name in a command
   * refused for another reason would leave a stray table: the calls are proved all the same
   * (DynamoDB authorizes a call before it finds the table missing), and the table is created when
   * the run is opened, as it would be without this check; only CreateTable itself is left to then.
   *
   * @throws PitrException {@link ErrorCode#USAGE}: a table of another key, or a call IAM denies
   *     (the gateway's access-denied message, naming the action and the table)
   */
  public Mono<Void> check() {
    return gateway
        .findTable(table)
        .flatMap(this::refuseOtherKey)
        .then(missingIsFine(query(PROBE)))
        .then(
            missingIsFine(
                WriteProbe.put(gateway, table, Map.of("run", s(PROBE), "part", s(PROBE)), "run")));
  }

  /**
   * Refuses, changing nothing, a table of another key, as {@link #check} does, and nothing else:
   * the check of a command submitted to run elsewhere, under another role and maybe another
   * network. A table these credentials cannot describe within {@code within} (denied, unreachable,
   * slow) is left to the workers' own {@link #check}, under theirs.
   *
   * @throws PitrException {@link ErrorCode#USAGE} for a table of another key
   */
  public Mono<Void> checkKey(Duration within) {
    return gateway
        .findTable(table)
        .flatMap(this::refuseOtherKey)
        .timeout(within)
        .onErrorResume(e -> !refusedForItsKey(e), e -> Mono.empty());
  }

  /**
   * {@code call} with a missing table (or one another worker is creating) taken as allowed: the
   * call was authorized before the table was looked up.
   */
  private static Mono<Void> missingIsFine(Mono<?> call) {
    return call.then()
        .onErrorResume(
            e -> PitrException.causedBy(e, ResourceNotFoundException.class), e -> Mono.empty());
  }

  private Mono<TableDescription> awaitActive() {
    return gateway.awaitActive(table, Duration.ofMinutes(5), Duration.ofSeconds(1)).last();
  }

  private Mono<TableDescription> create() {
    return gateway
        .createTable(
            CreateTableRequest.builder()
                .tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    a -> a.attributeName("run").attributeType(ScalarAttributeType.S),
                    a -> a.attributeName("part").attributeType(ScalarAttributeType.S))
                .keySchema(
                    k -> k.attributeName("run").keyType(KeyType.HASH),
                    k -> k.attributeName("part").keyType(KeyType.RANGE))
                .build())
        // Another worker created it first: use theirs.
        .onErrorResume(
            e -> PitrException.causedBy(e, ResourceInUseException.class), e -> Mono.empty())
        .then(awaitActive());
  }

  @Override
  public String describe() {
    return "table " + table;
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  /** The items of a run; none when the table does not exist, which is left so. */
  private Mono<List<Map<String, AttributeValue>>> parts(String runId) {
    return gateway
        .findTable(table)
        .flatMap(this::usable)
        .flatMap(t -> query(runId))
        .defaultIfEmpty(List.of());
  }

  private Mono<List<Map<String, AttributeValue>>> query(String runId) {
    return gateway
        .queryPages(
            QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#r = :r")
                .expressionAttributeNames(Map.of("#r", "run"))
                .expressionAttributeValues(Map.of(":r", s(runId)))
                .consistentRead(true)
                .build())
        .concatMapIterable(r -> r.items())
        .collectList();
  }

  private static CopyRunRecord record(String runId, List<Map<String, AttributeValue>> parts) {
    Map<String, AttributeValue> run = null;
    RunLease.Tally leases = new RunLease.Tally();
    CopyRunRecord.Abandoned abandoned = null;
    for (Map<String, AttributeValue> p : parts) {
      String part = p.get("part").s();
      if (part.equals("run")) {
        run = p;
      } else if (part.startsWith("lease#")) {
        leases.add(
            Worker.parse(part.substring("lease#".length())),
            Instant.parse(p.get("heartbeat").s()),
            p.get("finished").bool(),
            owner(p),
            p.containsKey("expires") ? Instant.parse(p.get("expires").s()) : null);
      } else if (part.equals(ABANDONED)) {
        abandoned = new CopyRunRecord.Abandoned(Instant.parse(p.get("abandonedAt").s()), owner(p));
      }
    }
    if (run == null) {
      return null;
    }
    RunLimits limits;
    try {
      limits = run.containsKey("limits") ? RunLimits.fromJson(run.get("limits").s()) : null;
    } catch (IllegalArgumentException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Checkpoint of run "
              + runId
              + " cannot be trusted: "
              + e.getMessage()
              + "; start a new run without --resume (items already copied are written again)."
              + " Nothing was changed.");
    }
    return new CopyRunRecord(
        runId,
        run.get("source").s(),
        run.get("target").s(),
        Integer.parseInt(run.get("segments").n()),
        run.containsKey("filter") ? run.get("filter").s() : null,
        leases.heartbeat(),
        leases.finished(),
        limits,
        leases.owner(),
        leases.expires(),
        abandoned);
  }

  /** The owner a lease or an abandon mark records, or null when it records none. */
  private static RunOwner owner(Map<String, AttributeValue> item) {
    if (!item.containsKey("host") || !item.containsKey("pid")) {
      return null;
    }
    return new RunOwner(
        item.get("host").s(),
        Long.parseLong(item.get("pid").n()),
        item.containsKey("batchJobId") ? item.get("batchJobId").s() : null);
  }

  private static void putOwner(Map<String, AttributeValue> item, RunOwner owner) {
    item.put("host", s(owner.host()));
    item.put("pid", AttributeValue.fromN(Long.toString(owner.pid())));
    if (owner.batchJobId() != null) {
      item.put("batchJobId", s(owner.batchJobId()));
    }
  }

  @Override
  public Mono<Void> abandon(String runId, RunOwner by, Instant at) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("run", s(runId));
    item.put("part", s(ABANDONED));
    item.put("abandonedAt", s(at.toString()));
    putOwner(item, by);
    return ready.then(
        gateway
            .putItem(PutItemRequest.builder().tableName(table).item(item).build(), Retries.SHARED)
            .then());
  }

  @Override
  public Mono<CopyRunRecord> open(CopyRunRecord run) {
    return ready
        .then(find(run.runId()))
        .flatMap(
            existing -> {
              existing.refuseIfAbandoned(describe());
              if (!existing.source().equals(run.source())
                  || !existing.target().equals(run.target())
                  || existing.totalSegments() != run.totalSegments()) {
                return Mono.<CopyRunRecord>error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Run "
                            + run.runId()
                            + " copies "
                            + existing.source()
                            + " to "
                            + existing.target()
                            + "; resume it with the same tables and --segments, or start a new"
                            + " run"));
              }
              return Mono.just(existing);
            })
        .switchIfEmpty(
            Mono.defer(
                () -> {
                  Map<String, AttributeValue> item = new HashMap<>();
                  item.put("run", s(run.runId()));
                  item.put("part", s("run"));
                  item.put("source", s(run.source()));
                  item.put("target", s(run.target()));
                  item.put("segments", AttributeValue.fromN(Integer.toString(run.totalSegments())));
                  if (run.filter() != null) {
                    item.put("filter", s(run.filter()));
                  }
                  if (run.limits() != null) {
                    item.put("limits", s(run.limits().toJson()));
                  }
                  return gateway
                      .putItem(
                          PutItemRequest.builder().tableName(table).item(item).build(),
                          Retries.SHARED)
                      .thenReturn(run);
                }));
  }

  @Override
  public Mono<CopyRunRecord> find(String runId) {
    return parts(runId).flatMap(p -> Mono.justOrEmpty(record(runId, p)));
  }

  @Override
  public Mono<Map<Integer, SegmentPosition>> positions(String runId) {
    return parts(runId)
        .map(
            parts -> {
              Map<Integer, SegmentPosition> out = new HashMap<>();
              for (Map<String, AttributeValue> p : parts) {
                String part = p.get("part").s();
                if (part.startsWith("segment#")) {
                  int segment = Integer.parseInt(part.substring(8));
                  out.put(
                      segment,
                      new SegmentPosition(
                          segment,
                          p.containsKey("resumeAfter")
                              ? ItemJson.read(p.get("resumeAfter").s())
                              : null,
                          p.get("done").bool()));
                }
              }
              return out;
            });
  }

  @Override
  public Mono<Void> save(String runId, SegmentPosition position) {
    // The resume key is item data: said to be there, never printed.
    log.debug(
        "checkpoint run={} segment={} done={} resume_after={}",
        runId,
        position.segment(),
        position.done(),
        position.resumeAfter() == null ? "none" : "set");
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("run", s(runId));
    item.put("part", s(String.format("segment#%06d", position.segment())));
    item.put("done", AttributeValue.fromBool(position.done()));
    if (position.resumeAfter() != null) {
      item.put("resumeAfter", s(ItemJson.write(position.resumeAfter())));
    }
    return ready.then(
        gateway
            .putItem(PutItemRequest.builder().tableName(table).item(item).build(), Retries.SHARED)
            .then());
  }

  @Override
  public Mono<Void> heartbeat(
      String runId, Worker worker, Instant now, boolean finished, WorkerProgress progress) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("run", s(runId));
    item.put("part", s("lease#" + worker));
    item.put("heartbeat", s(now.toString()));
    item.put("finished", AttributeValue.fromBool(finished));
    putOwner(item, RunOwner.current());
    item.put("expires", s(RunLease.expiry(now).toString()));
    if (progress != null) {
      item.put("started", s(progress.started().toString()));
      item.put("items", AttributeValue.fromN(Long.toString(progress.items())));
      item.put("wcu", AttributeValue.fromN(Double.toString(progress.wcu())));
      item.put("failed", AttributeValue.fromN(Long.toString(progress.failed())));
    }
    return ready.then(
        gateway
            .putItem(PutItemRequest.builder().tableName(table).item(item).build(), Retries.SHARED)
            .then());
  }

  @Override
  public Mono<List<WorkerLease>> leases(String runId) {
    return parts(runId)
        .map(
            parts -> {
              List<WorkerLease> out = new ArrayList<>();
              for (Map<String, AttributeValue> p : parts) {
                String part = p.get("part").s();
                if (part.startsWith("lease#")) {
                  out.add(lease(Worker.parse(part.substring(6)), p));
                }
              }
              out.sort(java.util.Comparator.comparingInt(l -> l.worker().index()));
              return out;
            });
  }

  private static WorkerLease lease(Worker worker, Map<String, AttributeValue> p) {
    WorkerProgress progress =
        p.containsKey("started")
            ? new WorkerProgress(
                Instant.parse(p.get("started").s()),
                Long.parseLong(p.get("items").n()),
                Double.parseDouble(p.get("wcu").n()),
                Long.parseLong(p.get("failed").n()))
            : null;
    return new WorkerLease(
        worker,
        Instant.parse(p.get("heartbeat").s()),
        p.get("finished").bool(),
        owner(p),
        p.containsKey("expires") ? Instant.parse(p.get("expires").s()) : null,
        progress);
  }

  @Override
  public Mono<Void> saveJob(String runId, RunJob job) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("run", s(runId));
    item.put("part", s("job"));
    item.put("jobId", s(job.jobId()));
    item.put("jobQueue", s(job.jobQueue()));
    item.put("workers", AttributeValue.fromN(Integer.toString(job.workers())));
    item.put("submittedAt", s(job.submittedAt().toString()));
    item.put(
        "command",
        AttributeValue.fromL(job.command().stream().map(AttributeValue::fromS).toList()));
    return ready.then(
        gateway
            .putItem(PutItemRequest.builder().tableName(table).item(item).build(), Retries.SHARED)
            .then());
  }

  @Override
  public Mono<RunJob> job(String runId) {
    return parts(runId)
        .flatMap(
            parts ->
                Mono.justOrEmpty(
                    parts.stream()
                        .filter(p -> p.get("part").s().equals("job"))
                        .findFirst()
                        .map(
                            p ->
                                new RunJob(
                                    p.get("jobId").s(),
                                    p.get("jobQueue").s(),
                                    Integer.parseInt(p.get("workers").n()),
                                    Instant.parse(p.get("submittedAt").s()),
                                    p.get("command").l().stream()
                                        .map(AttributeValue::s)
                                        .toList()))));
  }

  @Override
  public Mono<Void> saveFailureLog(String runId, FailureLog log) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("run", s(runId));
    item.put("part", s("failures#" + log.file()));
    item.put("file", s(log.file().toString()));
    item.put("worker", s(log.worker().toString()));
    item.put("records", AttributeValue.fromN(Long.toString(log.records())));
    item.put("resolved", AttributeValue.fromBool(log.resolved()));
    return ready.then(
        gateway
            .putItem(PutItemRequest.builder().tableName(table).item(item).build(), Retries.SHARED)
            .then());
  }

  @Override
  public Mono<List<FailureLog>> failureLogs(String runId) {
    return parts(runId)
        .map(
            parts -> {
              List<FailureLog> out = new ArrayList<>();
              for (Map<String, AttributeValue> p : parts) {
                if (p.get("part").s().startsWith("failures#")) {
                  out.add(
                      new FailureLog(
                          java.nio.file.Path.of(p.get("file").s()),
                          Worker.parse(p.get("worker").s()),
                          Long.parseLong(p.get("records").n()),
                          p.get("resolved").bool()));
                }
              }
              return out;
            });
  }

  @Override
  public Flux<CopyRunRecord> runs() {
    return gateway
        .findTable(table)
        .flatMapMany(
            t ->
                gateway
                    .scanSegment(ScanSpec.of(table, 1), 0, null)
                    .concatMapIterable(p -> p.items())
                    .filter(i -> i.get("part").s().equals("run"))
                    .map(i -> i.get("run").s()))
        .concatMap(this::find);
  }

  static List<String> names(List<CopyRunRecord> runs) {
    List<String> out = new ArrayList<>();
    runs.forEach(r -> out.add(r.runId()));
    return out;
  }
}
