package pitr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.MigrationCatalog;
import pitr.migrate.MigrationEnvironment;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate}: write, check, run and track data migrations. Holds what its subcommands
 * share: the options below, the clock and scheduler (replaced in tests), and the confirmation
 * prompt.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Write, check, run and track data migrations in migrations/.",
    subcommands = {
      MigrateNewCommand.class,
      MigrateListCommand.class,
      MigrateStaleCommand.class,
      MigrateStampCommand.class,
      MigrateLintCommand.class,
      MigrateDevCommand.class,
      MigrateProdCommand.class,
      MigrateSubmitCommand.class,
      MigrateResumeCommand.class,
      MigrateUnlockCommand.class,
      MigrateBenchCommand.class,
      MigrateRollbackCommand.class
    })
final class MigrateCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  /** Time for leases, ledger records and stale checks; tests inject their own. */
  Clock clock = Clock.systemUTC();

  /** Where retries, heartbeats and rate limits wait; tests inject their own. */
  Scheduler scheduler = Schedulers.parallel();

  /** Where confirmations are read from; tests inject their own. */
  BufferedReader input;

  /**
   * Wraps the client of every command that runs a migration; tests inject one that fails chosen
   * calls, as IAM or a crash would.
   */
  UnaryOperator<DynamoDbAsyncClient> clients = UnaryOperator.identity();

  /** How migration runs retry DynamoDB calls: null for the default (tests shorten it). */
  reactor.util.retry.RetryBackoffSpec retry;

  /** Options every migrate subcommand takes. */
  static final class Options {
    @Option(
        names = "--migrations-dir",
        paramLabel = "DIR",
        defaultValue = "migrations",
        description = "Folder of migration files (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
        names = "--ledger-table",
        paramLabel = "NAME",
        defaultValue = "pitr-ledger",
        description = "Ledger table: runs, lock, checkpoints (default: ${DEFAULT-VALUE}).")
    String ledgerTable;

    @Option(
        names = "--journal-table",
        paramLabel = "NAME",
        defaultValue = "pitr-journal",
        description = "Journal table: keys written per run (default: ${DEFAULT-VALUE}).")
    String journalTable;

    MigrationCatalog catalog() {
      return new MigrationCatalog(dir);
    }
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  static MigrateCommand of(CommandSpec spec) {
    CommandSpec s = spec;
    while (s != null && !(s.userObject() instanceof MigrateCommand)) {
      s = s.parent();
    }
    return (MigrateCommand) s.userObject();
  }

  /** The environment the global target options select; the client is the caller's to close. */
  MigrationEnvironment environment(CommandSpec sub, DynamoDbAsyncClient client, Options options) {
    return environment(sub, client, options, null);
  }

  /**
   * As {@link #environment(CommandSpec, DynamoDbAsyncClient, Options)}, for a run that logs its
   * progress every {@code progressEvery} (null: the default, 10 s).
   */
  MigrationEnvironment environment(
      CommandSpec sub, DynamoDbAsyncClient client, Options options, Duration progressEvery) {
    TargetOptions target = PitrCommand.of(sub).target();
    MigrationEnvironment.Settings settings =
        MigrationEnvironment.Settings.defaults(target.describe())
            .withTables(options.ledgerTable, options.journalTable);
    if (progressEvery != null) {
      settings = settings.withProgressEvery(progressEvery);
    }
    return MigrationEnvironment.create(client, clock, scheduler, settings)
        .withDryRunConditions(EngineConditions.INSTANCE)
        .withRetry(retry);
  }

  /**
   * Asks {@code question} and returns normally on "y" or "yes".
   *
   * @throws PitrException {@link ErrorCode#REFUSED} on anything else, or without input
   */
  void confirm(CommandSpec sub, String question, String nothingDone) {
    // One reader for every question of a run, so nothing typed ahead is lost between them.
    if (input == null) {
      input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    Prompt.confirmOrRefuse(sub, input, question, nothingDone);
  }

  static String operator() {
    return System.getProperty("user.name", "unknown");
  }

  /** Where a run runs, as the ledger records it: the host, and the AWS Batch job inside one. */
  static String host() {
    return pitr.batch.ArrayJob.host(hostName(), System.getenv());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "unknown" : env;
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
