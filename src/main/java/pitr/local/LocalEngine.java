package pitr.local;

import java.time.Clock;
import pitr.local.capacity.Throughput;
import pitr.local.export.ExportDestination;
import pitr.local.export.ExportDestinations;
import pitr.local.ops.AccountOps;
import pitr.local.ops.BackupOps;
import pitr.local.ops.BatchOps;
import pitr.local.ops.ExportOps;
import pitr.local.ops.ItemOps;
import pitr.local.ops.ReadOps;
import pitr.local.ops.RecoveryOps;
import pitr.local.ops.TableOps;
import pitr.local.ops.TransactionOps;
import pitr.local.ops.TtlOps;
import pitr.local.store.Catalog;
import pitr.local.store.HistoryPruner;
import pitr.local.store.ItemWriter;
import pitr.local.store.TtlSweeper;
import pitr.local.validate.RequestValidator;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeContinuousBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeEndpointsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeEndpointsResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.ListExportsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListExportsResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.TagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveResponse;

/**
 * The embedded DynamoDB-compatible engine: one object holding every table, serving each DynamoDB
 * operation as a method that takes the SDK's request type and returns its response type.
 *
 * <p>Errors are thrown as the SDK's service exceptions built by {@link Errors}. The engine is
 * thread-safe: writes are serialised by one lock (which also makes transactions atomic), reads see
 * each item's latest committed version without locking. The HTTP front end ({@code
 * pitr.local.http}) and the in-process client ({@link LocalDynamoDbAsyncClient}) both dispatch
 * here; an operation is served if and only if this class has a public method named after it that
 * takes its request type.
 *
 * <p>This class is the facade: each operation family is served by its class in {@code
 * pitr.local.ops}, on the storage of {@code pitr.local.store} (catalog, write path, history
 * pruning) and the throughput buckets of {@code pitr.local.capacity}.
 */
public final class LocalEngine implements AutoCloseable {

  private final EngineConfig config;

  /** The model check of requests; null only in a benchmark measuring what it costs. */
  private final RequestValidator validator;

  private final Clock clock;

  private final Catalog catalog;
  private final ItemWriter writer;
  private final Throughput throughput;
  private final TableOps tables;
  private final ItemOps items;
  private final ReadOps reads;
  private final BatchOps batches;
  private final TransactionOps transactions;
  private final RecoveryOps recovery;
  private final BackupOps backups;
  private final ExportOps exports;
  private final ExportDestination exportDestination;
  private final TtlOps ttl;
  private final AccountOps account;
  private final TtlSweeper sweeper;
  private volatile Faults.Injector faults;

  private LocalEngine(EngineConfig config, DurableStore durable) {
    this.config = config;
    this.validator = config.validateRequests() ? RequestValidator.dynamoDb() : null;
    this.clock = config.clock();
    this.faults = config.faults().injector();
    this.catalog = new Catalog(clock);
    this.writer = new ItemWriter(clock, durable);
    this.throughput = new Throughput(config);
    this.tables = new TableOps(config, catalog, writer, throughput);
    this.items = new ItemOps(config, catalog, writer, throughput);
    this.reads = new ReadOps(config, catalog, writer, throughput);
    this.batches = new BatchOps(config, catalog, writer, throughput);
    this.transactions = new TransactionOps(config, catalog, writer, throughput);
    this.recovery = new RecoveryOps(config, catalog, writer, throughput);
    this.backups = new BackupOps(config, catalog, writer, throughput);
    this.exportDestination = ExportDestinations.of(config.exports(), config.region());
    this.exports = new ExportOps(config, catalog, writer, throughput, exportDestination);
    this.ttl = new TtlOps(config, catalog, writer, throughput, tables);
    this.account = new AccountOps(config, catalog, writer, throughput);
    this.sweeper =
        new TtlSweeper(
            clock,
            catalog,
            writer,
            config.lifecycle().ttlSweepInterval(),
            config.lifecycle().ttlTransition());
  }

  /**
   * An engine that keeps its tables, history, backups and exports in {@code dataDir} (created if
   * absent) and loads what an earlier run left there. Every change is committed to disk before it
   * is acknowledged, and a restore, a backup or a table deletion is all or nothing across a crash.
   *
   * @throws IllegalArgumentException when the directory cannot be created or was written by an
   *     incompatible version
   */
  public static LocalEngine open(EngineConfig config, java.nio.file.Path dataDir) {
    DurableStore store = DurableStore.open(dataDir);
    LocalEngine engine = new LocalEngine(config, store);
    engine.catalog.load(store, engine.throughput::configure);
    engine.exports.load(store);
    if (engine.catalog.tables().values().stream().anyMatch(t -> t.ttlAttribute != null)) {
      engine.sweeper.start();
    }
    return engine;
  }

  /**
   * Sets the largest item collection (all items sharing a partition key in a table with local
   * secondary indexes) a write may grow; DynamoDB's limit, the default, is 10 GB. Tests lower it.
   */
  public void setItemCollectionLimit(long bytes) {
    writer.setItemCollectionLimit(bytes);
  }

  /** Whether this engine writes to disk, so that callers keep it off I/O event loops. */
  public boolean isDurable() {
    return writer.isDurable();
  }

  /**
   * Whether a request may wait on I/O: a durable engine commits to disk, and an engine with an
   * export destination writes exports to S3 or a directory. Front ends keep such an engine off
   * their I/O event loops.
   */
  public boolean mayBlock() {
    return writer.isDurable() || exportDestination != ExportDestination.NONE;
  }

  /** Replaces the faults injected from now on (a drill may turn them on mid-run). */
  public void setFaults(Faults newFaults) {
    this.faults = newFaults.injector();
  }

  /**
   * Draws the fault for the next request. Front ends call this once per request before dispatching
   * it and act on the decision; the engine's own methods never inject faults.
   */
  public Faults.Decision nextFault() {
    return faults.next();
  }

  /** An in-memory engine. */
  public static LocalEngine create(EngineConfig config) {
    return new LocalEngine(config, null);
  }

  /** An in-memory engine with default settings. */
  public static LocalEngine create() {
    return create(EngineConfig.defaults());
  }

  public EngineConfig config() {
    return config;
  }

  // Tables -------------------------------------------------------------------------------------

  /** CreateTable. */
  public CreateTableResponse createTable(CreateTableRequest r) {
    return tables.createTable(checked(r));
  }

  /** DescribeTable. */
  public DescribeTableResponse describeTable(DescribeTableRequest r) {
    return tables.describeTable(checked(r));
  }

  /** DeleteTable. */
  public DeleteTableResponse deleteTable(DeleteTableRequest r) {
    return tables.deleteTable(checked(r));
  }

  /** ListTables. */
  public ListTablesResponse listTables(ListTablesRequest r) {
    return tables.listTables(checked(r));
  }

  /** UpdateTable: billing mode, provisioned throughput, GSI creation and deletion. */
  public UpdateTableResponse updateTable(UpdateTableRequest r) {
    return tables.updateTable(checked(r));
  }

  /** TagResource. */
  public TagResourceResponse tagResource(TagResourceRequest r) {
    return tables.tagResource(checked(r));
  }

  /** UntagResource. */
  public UntagResourceResponse untagResource(UntagResourceRequest r) {
    return tables.untagResource(checked(r));
  }

  /** ListTagsOfResource. */
  public ListTagsOfResourceResponse listTagsOfResource(ListTagsOfResourceRequest r) {
    return tables.listTagsOfResource(checked(r));
  }

  // Time to live and account ------------------------------------------------------------------

  /**
   * UpdateTimeToLive. Turning TTL on starts the background sweep that deletes expired items (see
   * {@link #sweepExpiredItems}).
   */
  public UpdateTimeToLiveResponse updateTimeToLive(UpdateTimeToLiveRequest r) {
    UpdateTimeToLiveResponse response = ttl.updateTimeToLive(checked(r));
    sweeper.start();
    return response;
  }

  /** DescribeTimeToLive. */
  public DescribeTimeToLiveResponse describeTimeToLive(DescribeTimeToLiveRequest r) {
    return ttl.describeTimeToLive(checked(r));
  }

  /**
   * Deletes the items expired now (on the engine's clock) in every table whose TTL is ENABLED, as
   * the background sweep does every {@link EngineConfig.Lifecycle#ttlSweepInterval}; tests that
   * move the clock call it themselves. Each deletion is kept in point-in-time history like any
   * other.
   *
   * @return how many items were deleted
   */
  public long sweepExpiredItems() {
    return sweeper.sweep();
  }

  /** DescribeLimits: DynamoDB's default capacity quotas. */
  public DescribeLimitsResponse describeLimits(DescribeLimitsRequest r) {
    return account.describeLimits(checked(r));
  }

  /** DescribeEndpoints. */
  public DescribeEndpointsResponse describeEndpoints(DescribeEndpointsRequest r) {
    return account.describeEndpoints(checked(r));
  }

  // Items --------------------------------------------------------------------------------------

  /** PutItem. */
  public PutItemResponse putItem(PutItemRequest r) {
    return items.putItem(checked(r));
  }

  /** GetItem. */
  public GetItemResponse getItem(GetItemRequest r) {
    return items.getItem(checked(r));
  }

  /** DeleteItem. */
  public DeleteItemResponse deleteItem(DeleteItemRequest r) {
    return items.deleteItem(checked(r));
  }

  /** UpdateItem. */
  public UpdateItemResponse updateItem(UpdateItemRequest r) {
    return items.updateItem(checked(r));
  }

  // Reads --------------------------------------------------------------------------------------

  /** Query. */
  public QueryResponse query(QueryRequest r) {
    return reads.query(checked(r));
  }

  /** Scan, including parallel scans with Segment and TotalSegments. */
  public ScanResponse scan(ScanRequest r) {
    return reads.scan(checked(r));
  }

  // Batches and transactions -------------------------------------------------------------------

  /** BatchWriteItem: up to 25 puts and deletes, each applied on its own. */
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
    return batches.batchWriteItem(checked(r));
  }

  /** BatchGetItem: up to 100 keys; what does not fit in 16 MB comes back as UnprocessedKeys. */
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
    return batches.batchGetItem(checked(r));
  }

  /** TransactWriteItems: all actions apply or none does. */
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest r) {
    return transactions.transactWriteItems(checked(r));
  }

  /** TransactGetItems: up to 100 gets read as one snapshot. */
  public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest r) {
    return transactions.transactGetItems(checked(r));
  }

  // Point-in-time recovery and backups ---------------------------------------------------------

  /** UpdateContinuousBackups: turns PITR on or off and sets the recovery period. */
  public UpdateContinuousBackupsResponse updateContinuousBackups(UpdateContinuousBackupsRequest r) {
    return recovery.updateContinuousBackups(checked(r));
  }

  /** DescribeContinuousBackups. */
  public DescribeContinuousBackupsResponse describeContinuousBackups(
      DescribeContinuousBackupsRequest r) {
    return recovery.describeContinuousBackups(checked(r));
  }

  /**
   * RestoreTableToPointInTime: a new table holding exactly the items as they were at the restore
   * instant, with the source's keys, indexes and capacity but none of its tags, TTL, streams or
   * PITR setting, as on AWS.
   */
  public RestoreTableToPointInTimeResponse restoreTableToPointInTime(
      RestoreTableToPointInTimeRequest r) {
    return recovery.restoreTableToPointInTime(checked(r));
  }

  /** CreateBackup: an on-demand snapshot of the table's live items. */
  public CreateBackupResponse createBackup(CreateBackupRequest r) {
    return backups.createBackup(checked(r));
  }

  /** DescribeBackup. */
  public DescribeBackupResponse describeBackup(DescribeBackupRequest r) {
    return backups.describeBackup(checked(r));
  }

  /** DeleteBackup. */
  public DeleteBackupResponse deleteBackup(DeleteBackupRequest r) {
    return backups.deleteBackup(checked(r));
  }

  /** ListBackups, optionally for one table and a creation-time range, paginated by ARN. */
  public ListBackupsResponse listBackups(ListBackupsRequest r) {
    return backups.listBackups(checked(r));
  }

  /** RestoreTableFromBackup: a new table holding the backup's items. */
  public RestoreTableFromBackupResponse restoreTableFromBackup(RestoreTableFromBackupRequest r) {
    return backups.restoreTableFromBackup(checked(r));
  }

  /**
   * ExportTableToPointInTime: writes DynamoDB's export files, read from the table's history at the
   * requested instants, to the engine's S3 endpoint or export directory before it answers.
   */
  public ExportTableToPointInTimeResponse exportTableToPointInTime(
      ExportTableToPointInTimeRequest r) {
    return exports.exportTableToPointInTime(checked(r));
  }

  /** DescribeExport: IN_PROGRESS for the configured export duration, then COMPLETED. */
  public DescribeExportResponse describeExport(DescribeExportRequest r) {
    return exports.describeExport(checked(r));
  }

  /** ListExports, optionally for one table. */
  public ListExportsResponse listExports(ListExportsRequest r) {
    return exports.listExports(checked(r));
  }

  /**
   * Drops history that no restore can reach any more: versions older than each table's restorable
   * window, tombstones older than it, and deleted tables whose recovery period has run out.
   *
   * @return how many versions were dropped
   */
  public long pruneHistory() {
    writer.lock();
    try {
      return HistoryPruner.prune(catalog, writer, clock.millis());
    } finally {
      writer.unlock();
    }
  }

  /** The writer every change goes through (tests hold its commits to make writes overlap). */
  ItemWriter writer() {
    return writer;
  }

  /** Table {@code name} as the engine holds it, or null (tests look at how it holds its items). */
  Table table(String name) {
    return catalog.tables().get(name);
  }

  /** Commits made to the data directory so far; concurrent writes share commits. 0 in memory. */
  public long durableCommits() {
    return writer.commits();
  }

  /**
   * What the engine holds beyond live items, for the cost model: versions kept for restores and
   * their approximate bytes.
   */
  public HistoryStats historyStats() {
    HistoryPruner.Kept kept = HistoryPruner.kept(catalog.tables().values());
    return new HistoryStats(kept.versions(), kept.approximateBytes());
  }

  /**
   * Versions held for point-in-time restores beyond the live items.
   *
   * @param versions older versions and tombstones kept
   * @param approximateBytes their item bytes plus per-version overhead
   */
  public record HistoryStats(long versions, long approximateBytes) {}

  // Shared machinery ---------------------------------------------------------------------------

  /**
   * Checks {@code r} against its operation's constraints in the service model, before any semantic
   * check or table lookup, as DynamoDB does: a malformed request for a missing table is a
   * ValidationException, not ResourceNotFoundException.
   */
  private <T extends software.amazon.awssdk.core.SdkPojo> T checked(T r) {
    return validator == null ? r : validator.check(r);
  }

  /** Closes the durable store, if any; the in-memory engine needs no closing. */
  @Override
  public void close() {
    sweeper.close();
    exportDestination.close();
    writer.close();
  }
}
