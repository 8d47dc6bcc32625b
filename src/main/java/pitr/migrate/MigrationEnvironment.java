package pitr.migrate;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * One environment migrations run against: a DynamoDB target (AWS account and region, an endpoint,
 * or the embedded engine) with its ledger and journal tables, and the clock and scheduler that time
 * leases, heartbeats and retries.
 */
public final class MigrationEnvironment {
  /**
   * Settings of an environment.
   *
   * @param targetName how messages name the target, e.g. "AWS (eu-west-1)"
   * @param ledgerTable the ledger table (runs, lock, checkpoints)
   * @param journalTable the journal table (keys written per run)
   * @param leaseDuration how long the lock lasts without a heartbeat
   * @param heartbeat how often a run renews the lock
   * @param progressEvery how often a run logs its progress
   */
  public record Settings(
      String targetName,
      String ledgerTable,
      String journalTable,
      Duration leaseDuration,
      Duration heartbeat,
      Duration progressEvery) {

    /** {@code pitr-ledger}, {@code pitr-journal}, a 60 s lease renewed every 15 s. */
    public static Settings defaults(String targetName) {
      return new Settings(
          targetName,
          "pitr-ledger",
          "pitr-journal",
          Duration.ofSeconds(60),
          Duration.ofSeconds(15),
          Duration.ofSeconds(10));
    }

    public Settings withTables(String ledger, String journal) {
      return new Settings(targetName, ledger, journal, leaseDuration, heartbeat, progressEvery);
    }

    public Settings withLease(Duration lease, Duration every) {
      return new Settings(targetName, ledgerTable, journalTable, lease, every, progressEvery);
    }

    public Settings withProgressEvery(Duration every) {
      return new Settings(targetName, ledgerTable, journalTable, leaseDuration, heartbeat, every);
    }
  }

  private final DynamoDbAsyncClient client;
  private final DynamoDbGateway db;
  private final DryRunConditions conditions;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Settings settings;
  private final Ledger ledger;
  private final LeaseLock lock;
  private final reactor.util.retry.RetryBackoffSpec retry;

  private MigrationEnvironment(
      DynamoDbAsyncClient client,
      Clock clock,
      Scheduler scheduler,
      Settings settings,
      DryRunConditions conditions,
      reactor.util.retry.RetryBackoffSpec retry) {
    this.client = client;
    this.conditions = conditions;
    this.retry = retry;
    DynamoDbGateway gateway =
        DynamoDbGateway.create(client, settings.targetName()).withScheduler(scheduler);
    this.db = retry == null ? gateway : gateway.withRetry(retry);
    this.clock = clock;
    this.scheduler = scheduler;
    this.settings = settings;
    this.ledger = new Ledger(db, settings.ledgerTable());
    this.lock = new LeaseLock(db, settings.ledgerTable(), clock, settings.leaseDuration());
  }

  /** An environment over {@code client}; the caller keeps and closes the client. */
  public static MigrationEnvironment create(
      DynamoDbAsyncClient client, Clock clock, Scheduler scheduler, Settings settings) {
    return new MigrationEnvironment(
        client, clock, scheduler, settings, DryRunConditions.UNCHECKED, null);
  }

  /** This environment, its dry runs checking write conditions with {@code check}. */
  public MigrationEnvironment withDryRunConditions(DryRunConditions check) {
    return new MigrationEnvironment(client, clock, scheduler, settings, check, retry);
  }

  /** This environment, retrying its DynamoDB calls with {@code spec} (null: the default). */
  public MigrationEnvironment withRetry(reactor.util.retry.RetryBackoffSpec spec) {
    return new MigrationEnvironment(client, clock, scheduler, settings, conditions, spec);
  }

  /** How dry runs check write conditions ({@link DryRunConditions#UNCHECKED} unless given). */
  DryRunConditions dryRunConditions() {
    return conditions;
  }

  /** The ledger of this environment. */
  public Ledger ledger() {
    return ledger;
  }

  /** The ledger's record of migrations submitted to AWS Batch. */
  public JobSubmissions submissions() {
    return new JobSubmissions(db, settings.ledgerTable(), settings.journalTable());
  }

  /** The lease lock of this environment. */
  public LeaseLock lock() {
    return lock;
  }

  /**
   * Every journal entry of {@code run}, one per key: the last write to it, {@link
   * JournalEntry.State#INTENDED intended} when the run never confirmed that write.
   */
  public Flux<JournalEntry> journal(RunRecord run) {
    return JournalReader.read(db, run);
  }

  /**
   * The workers of {@code run}, a run across workers, judged at {@code now}; empty for a run of one
   * process.
   */
  public Mono<List<WorkerStatus>> workers(RunRecord run, java.time.Instant now) {
    if (run.workers() <= 1) {
      return Mono.just(List.of());
    }
    return new WorkerLedger(db, settings.ledgerTable())
        .entries(run.runId())
        .map(entries -> WorkerStatus.of(run.workers(), entries, now));
  }

  /** A runner for migrations in {@code dir} (lint exceptions read from there). */
  public MigrationRunner runner(Path dir, MeterRegistry registry) {
    return new MigrationRunner(this, MigrationCompiler.forDirectory(dir), registry);
  }

  /** Loads fixtures into this environment. */
  public FixtureSeeder seeder() {
    return new FixtureSeeder(db);
  }

  /**
   * Runs {@code work} while holding this environment's migration lock as {@code holderId}, renewing
   * the lease every heartbeat, and releases the lock when the work ends, fails or is cancelled.
   * Used by rollbacks so they never run beside a migration.
   *
   * <p>A lock held by a live run refuses with {@link pitr.ErrorCode#REFUSED} naming the holder,
   * before {@code work} starts. A lapsed lock is taken over and the run that held it is marked
   * FAILED, as a migration run taking over would. If the lease is lost meanwhile, the work is
   * cancelled and the result fails with {@link pitr.ErrorCode#FAILED}.
   */
  public <T> Mono<T> underLock(
      String holderId,
      String migration,
      String operator,
      String host,
      Function<Lease, Mono<T>> work) {
    return Mono.usingWhen(
        lock.acquire(holderId, migration, operator, host),
        lease -> {
          Mono<Void> takeOver =
              lease.takenOver() == null
                  ? Mono.empty()
                  : ledger.markInterrupted(lease.takenOver(), clock.instant());
          Mono<T> guarded = takeOver.then(Mono.defer(() -> work.apply(lease)));
          Mono<T> lost =
              Flux.interval(heartbeat(), heartbeat(), scheduler)
                  .onBackpressureDrop()
                  .concatMap(i -> lock.heartbeat(lease))
                  .then(Mono.empty());
          return Mono.firstWithSignal(guarded, lost);
        },
        lock::release,
        // Released from another thread: the failing one may have been interrupted (Ctrl-C in
        // a blocking call), and the SDK refuses to start a call on an interrupted thread.
        (lease, e) -> lock.release(lease).subscribeOn(Schedulers.boundedElastic()),
        lease -> lock.release(lease).subscribeOn(Schedulers.boundedElastic()));
  }

  public Settings settings() {
    return settings;
  }

  DynamoDbGateway db() {
    return db;
  }

  Clock clock() {
    return clock;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  String journalTable() {
    return settings.journalTable();
  }

  String targetName() {
    return settings.targetName();
  }

  Duration heartbeat() {
    return settings.heartbeat();
  }

  Duration progressEvery() {
    return settings.progressEvery();
  }
}
