package pitr.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.BatchGateway;
import pitr.batch.JobSpec;
import pitr.batch.ScheduleGateway;
import pitr.batch.ScheduleSpec;
import pitr.migrate.JobSubmission;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationFile;
import pitr.migrate.MigrationRunner;
import pitr.migrate.RunRequest;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.scheduler.SchedulerAsyncClient;

/**
 * {@code pitr migrate submit NAME}: runs {@code migrate prod NAME} on AWS Batch, now or from an
 * EventBridge Scheduler schedule, after the same preflight checks.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Run 'migrate prod NAME --yes' as an AWS Batch job: now, or later from an EventBridge"
          + " Scheduler schedule (--at, --cron).",
      "The preflight checks of 'migrate prod' (point-in-time recovery on, restore window, ledger"
          + " and journal usable) run first: a failed one refuses with exit code 3 and nothing is"
          + " submitted. The ledger records the job (or schedule), its queue and who submitted"
          + " it; 'migrate list' shows them with the job's state."
    })
final class MigrateSubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Mixin BatchOptions batch = new BatchOptions();

  @Parameters(paramLabel = "NAME", description = "Migration, e.g. 0001_cars_get_a_price or 0001.")
  String name;

  static final class When {
    @Option(
        names = "--at",
        paramLabel = "WHEN",
        description = "Run once at this UTC time instead of now, e.g. 2026-12-05T02:00:00Z.")
    String at;

    @Option(
        names = "--cron",
        paramLabel = "EXPR",
        description =
            "Run on this EventBridge cron schedule (six fields, UTC), e.g. '0 2 ? * SUN *'.")
    String cron;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  When when;

  @Option(
      names = "--schedule-role",
      paramLabel = "ARN",
      description =
          "With --at or --cron: the role EventBridge Scheduler submits the job with (allowed"
              + " batch:SubmitJob; see deploy/iam/scheduler-role.json).")
  String scheduleRole;

  @Option(
      names = "--schedule-name",
      paramLabel = "NAME",
      description = "With --at or --cron: the schedule's name (default: pitr-NAME-<time>).")
  String scheduleName;

  @Mixin ProdRunOptions run = new ProdRunOptions();

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      converter = BatchRanges.Workers.class,
      description =
          "Run the migration across N workers, 1-10,000 (default: ${DEFAULT-VALUE}): an array job"
              + " whose children run 'migrate prod NAME --worker auto/N --run-id RUN_ID', each"
              + " every N-th scan segment of each forEachItem pass, as one run.")
  int workers;

  @Option(
      names = "--run-id",
      paramLabel = "RUN_ID",
      converter = RunIdConverter.class,
      description = "With --workers: the run id the workers share (default: a new one).")
  String runId;

  @Override
  public Integer call() {
    TargetOptions target = PitrCommand.of(spec).target();
    MigrateCommand parent = MigrateCommand.of(spec);
    if (target.local) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--local is for dev runs; a submitted job runs 'migrate prod' against AWS: point submit"
              + " at AWS (--region/--profile)");
    }
    batch.require("migrate submit");
    String expression = expression(parent);
    String shared = sharedRun(parent);
    MigrationFile file = options.catalog().resolve(name);
    Instant now = parent.clock.instant();
    String submitter = MigrateCommand.operator() + "@" + MigrateCommand.host();
    try (DynamoDbAsyncClient client = parent.clients.apply(target.client())) {
      MigrationEnvironment env = parent.environment(spec, client, options);
      MigrationRunner runner = env.runner(options.dir, new SimpleMeterRegistry());
      runner
          .preflight(
              run.applyTo(
                  RunRequest.of(
                      file, RunMode.PROD, MigrateCommand.operator(), MigrateCommand.host())))
          .block();
      AwsClients aws = new AwsClients(target);
      try (BatchAsyncClient batchClient = aws.batch()) {
        BatchGateway gateway = new BatchGateway(batchClient);
        batch.checkExists(gateway);
        // Creates the ledger and journal on first use, as migrate prod would; refuses if unusable.
        env.submissions().checkTables().block();
        JobSpec job =
            job(file, target, batchClient.serviceClientConfiguration().region().id(), shared);
        JobSubmission submission;
        if (expression == null) {
          String jobId = gateway.submit(job.request()).block().jobId();
          submission =
              JobSubmission.job(file.name(), now, submitter, batch.jobQueue, job.jobName(), jobId);
        } else {
          String schedule =
              scheduleName != null
                  ? ScheduleSpec.name(scheduleName)
                  : ScheduleSpec.name("pitr-" + file.name() + "-" + now.getEpochSecond());
          try (SchedulerAsyncClient scheduler = aws.scheduler()) {
            new ScheduleGateway(scheduler)
                .create(new ScheduleSpec(schedule, expression, scheduleRole).request(job))
                .block();
          }
          submission =
              JobSubmission.schedule(
                  file.name(), now, submitter, batch.jobQueue, job.jobName(), schedule, expression);
        }
        record(env, submission);
        print(submission, job, shared);
      }
    }
    return 0;
  }

  /** The schedule expression, or null to submit now; refuses bad or past times before any call. */
  private String expression(MigrateCommand parent) {
    if (when == null) {
      if (scheduleRole != null || scheduleName != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--schedule-role and --schedule-name are for a schedule; add --at WHEN or --cron EXPR,"
                + " or leave them out to submit now");
      }
      return null;
    }
    String expression =
        when.at != null ? ScheduleSpec.at(when.at, parent.clock) : ScheduleSpec.cron(when.cron);
    if (scheduleRole == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          (when.at != null ? "--at" : "--cron")
              + " needs --schedule-role ARN, the role EventBridge Scheduler submits the job with"
              + " (allowed batch:SubmitJob; see deploy/iam/scheduler-role.json)");
    }
    BatchSetupCommand.checkRole("--schedule-role", scheduleRole);
    return expression;
  }

  /**
   * The run id the workers share, or null for one worker; refuses what does not go with several
   * workers before any call.
   */
  private String sharedRun(MigrateCommand parent) {
    if (workers == 1) {
      if (runId != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--run-id names the run that --workers N share; add --workers N, or leave --run-id"
                + " out");
      }
      return null;
    }
    if (when != null && when.cron != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--cron with --workers: every run of the schedule would be the same run of "
              + workers
              + " workers; submit it now or --at WHEN");
    }
    if (run.backup) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--backup is for a run of one process: each of the "
              + workers
              + " workers would take its own backups. Drop --backup (preflight checks that"
              + " point-in-time recovery can undo the run), or back the tables up first");
    }
    if (runId != null) {
      return runId;
    }
    return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC)
            .format(parent.clock.instant())
        + "-"
        + String.format("%06x", java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 24));
  }

  private JobSpec job(MigrationFile file, TargetOptions target, String region, String shared) {
    List<String> command = new ArrayList<>();
    if (target.region != null) {
      command.addAll(List.of("--region", target.region));
    }
    if (target.endpointUrl != null) {
      command.addAll(List.of("--endpoint-url", target.endpointUrl));
    }
    command.addAll(
        List.of(
            "migrate",
            "prod",
            file.name(),
            "--yes",
            "--ledger-table",
            options.ledgerTable,
            "--journal-table",
            options.journalTable));
    command.addAll(run.arguments());
    if (shared != null) {
      command.addAll(List.of("--worker", "auto/" + workers, "--run-id", shared));
    }
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("AWS_REGION", region);
    return new JobSpec(
        JobSpec.jobName("pitr-migrate-" + file.name()),
        batch.jobQueue,
        batch.jobDefinition,
        command,
        shared == null ? 1 : workers,
        environment);
  }

  private static void record(MigrationEnvironment env, JobSubmission s) {
    try {
      env.submissions().record(s).block();
    } catch (PitrException e) {
      throw new PitrException(
          ErrorCode.FAILED,
          (s.jobId() != null ? "AWS Batch job " + s.jobId() : "Schedule " + s.scheduleName())
              + " was created but could not be recorded in the ledger ("
              + e.getMessage()
              + "); it will run: follow it with pitr logs "
              + (s.jobId() != null ? s.jobId() : s.migration()),
          e);
    }
  }

  private void print(JobSubmission s, JobSpec job, String shared) {
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("migration", s.migration());
      m.put("jobName", s.jobName());
      m.put("jobQueue", s.jobQueue());
      m.put("jobDefinition", job.jobDefinition());
      m.put("jobId", s.jobId());
      m.put("scheduleName", s.scheduleName());
      m.put("scheduleExpression", s.scheduleExpression());
      m.put("command", job.command());
      m.put("submitter", s.submitter());
      m.put("workers", shared == null ? 1 : workers);
      m.put("runId", shared);
      Json.print(out, m);
      return;
    }
    String across = shared == null ? "" : " across " + workers + " workers (run " + shared + ")";
    if (s.jobId() != null) {
      out.println(
          "Submitted migrate prod "
              + s.migration()
              + across
              + (shared == null ? " as AWS Batch job " : " as AWS Batch array job ")
              + s.jobId()
              + " ("
              + s.jobName()
              + ", queue "
              + s.jobQueue()
              + ")");
      if (shared == null) {
        out.println("  follow it: pitr logs " + s.jobId() + " --follow");
      } else {
        out.println("  watch it: pitr migrate list (each worker's state)");
        out.println("  its logs: pitr logs " + s.jobId() + " --worker I (1-" + workers + ")");
      }
    } else {
      out.println(
          "Scheduled migrate prod "
              + s.migration()
              + across
              + " with "
              + s.scheduleExpression()
              + " (UTC) as EventBridge Scheduler schedule "
              + s.scheduleName()
              + " (queue "
              + s.jobQueue()
              + ")");
      out.println("  once it ran: pitr migrate list, pitr logs " + s.migration());
    }
    out.println("  command: pitr " + String.join(" ", job.command()));
    out.flush();
  }
}
