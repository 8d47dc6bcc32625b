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
        JobSpec job = job(file, target, batchClient.serviceClientConfiguration().region().id());
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
        print(submission, job);
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

  private JobSpec job(MigrationFile file, TargetOptions target, String region) {
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
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("AWS_REGION", region);
    return new JobSpec(
        JobSpec.jobName("pitr-migrate-" + file.name()),
        batch.jobQueue,
        batch.jobDefinition,
        command,
        1,
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

  private void print(JobSubmission s, JobSpec job) {
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
      Json.print(out, m);
      return;
    }
    if (s.jobId() != null) {
      out.println(
          "Submitted migrate prod "
              + s.migration()
              + " as AWS Batch job "
              + s.jobId()
              + " ("
              + s.jobName()
              + ", queue "
              + s.jobQueue()
              + ")");
      out.println("  follow it: pitr logs " + s.jobId() + " --follow");
    } else {
      out.println(
          "Scheduled migrate prod "
              + s.migration()
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
