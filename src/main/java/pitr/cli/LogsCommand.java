package pitr.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.BatchGateway;
import pitr.batch.JobLogs;
import pitr.migrate.JobSubmission;
import pitr.migrate.MigrationEnvironment;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** {@code pitr logs JOB_ID|NAME}: an AWS Batch job's CloudWatch Logs, oldest first. */
@TextReport
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print an AWS Batch job's logs from CloudWatch Logs, oldest first (every attempt's log"
          + " stream, from DescribeJobs): the job id printed by 'migrate submit' or"
          + " 'copy-back --submit batch', or a migration name (its latest submitted job, from the"
          + " ledger).",
      "--follow polls until the job ends and exits 0 if it succeeded, 1 if it failed."
    })
final class LogsCommand implements Callable<Integer> {
  private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED");

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "JOB_ID|RUN_ID|NAME",
      description =
          "Batch job id, a run id submitted with --submit batch (with --checkpoint-table), or a"
              + " migration name.")
  String what;

  @Option(
      names = "--checkpoint-table",
      paramLabel = "TABLE",
      description = "With a run id: the checkpoint table of the run, which names its job.")
  String checkpointTable;

  @Option(names = "--follow", description = "Keep printing new lines until the job ends.")
  boolean follow;

  @Option(
      names = "--worker",
      paramLabel = "I",
      converter = BatchRanges.Workers.class,
      description = "Of an array job: this worker's logs, 1-10,000 (default: every worker's).")
  Integer worker;

  @Option(
      names = "--ledger-table",
      paramLabel = "NAME",
      defaultValue = "pitr-ledger",
      description = "Ledger to find a migration's job in (default: ${DEFAULT-VALUE}).")
  String ledgerTable;

  @Option(
      names = "--poll-interval",
      hidden = true,
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = Ranges.PollInterval.class,
      description = "With --follow: how often to ask for new lines, 10ms-10m.")
  Duration poll;

  @Override
  public Integer call() throws InterruptedException {
    String jobId =
        looksLikeJobId(what)
            ? what
            : checkpointTable != null
                ? runJob(what).orElseGet(() -> latestJob(what))
                : latestJob(what);
    TargetOptions target = PitrCommand.of(spec).target();
    AwsClients aws = new AwsClients(target);
    try (BatchAsyncClient batchClient = aws.batch();
        CloudWatchLogsAsyncClient logsClient = aws.logs()) {
      BatchGateway batch = new BatchGateway(batchClient);
      JobDetail job = describe(batch, jobId);
      List<String> ids = children(job);
      if (follow && ids.size() > 1) {
        throw new PitrException(
            ErrorCode.USAGE,
            "Job "
                + jobId
                + " is an array job of "
                + ids.size()
                + " workers; --follow follows one: add --worker I (1-"
                + ids.size()
                + ")");
      }
      JobLogs logs = new JobLogs(logsClient);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      for (String id : ids) {
        JobDetail detail = id.equals(job.jobId()) ? job : describe(batch, id);
        if (ids.size() > 1) {
          err.println("== worker " + (ids.indexOf(id) + 1) + " (job " + id + ") ==");
        }
        Tail tail = new Tail(logs, out, err);
        tail.printNew(detail);
        if (follow) {
          while (!ENDED.contains(detail.statusAsString())) {
            Thread.sleep(poll.toMillis());
            detail = describe(batch, id);
            tail.printNew(detail);
          }
          tail.printNew(detail);
          if ("FAILED".equals(detail.statusAsString())) {
            throw new PitrException(
                ErrorCode.FAILED,
                "Job "
                    + id
                    + " FAILED"
                    + (detail.statusReason() == null ? "" : ": " + detail.statusReason()));
          }
        } else if (JobLogs.streams(detail).isEmpty()) {
          err.println(
              "Job "
                  + id
                  + " ("
                  + detail.statusAsString()
                  + ") has no log stream yet: no container of it has started"
                  + (detail.statusReason() == null ? "" : " (" + detail.statusReason() + ")"));
        }
      }
      out.flush();
      err.flush();
    }
    return 0;
  }

  /** What was printed of a job's streams, to print only what is new on the next look. */
  private static final class Tail {
    private final JobLogs logs;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<String> done = new ArrayList<>();
    private JobLogs.Stream current;
    private String token;

    Tail(JobLogs logs, PrintWriter out, PrintWriter err) {
      this.logs = logs;
      this.out = out;
      this.err = err;
    }

    void printNew(JobDetail job) {
      List<JobLogs.Stream> streams = JobLogs.streams(job);
      for (JobLogs.Stream s : streams) {
        if (done.contains(s.stream())) {
          continue;
        }
        if (current != null && !current.equals(s)) {
          drain(current);
          done.add(current.stream());
          token = null;
        }
        if (streams.size() > 1 && !s.equals(current)) {
          err.println("-- attempt " + (streams.indexOf(s) + 1) + ": " + s.stream() + " --");
        }
        current = s;
        drain(s);
      }
      out.flush();
    }

    private void drain(JobLogs.Stream s) {
      for (JobLogs.Page p : logs.pages(s, token).toIterable()) {
        p.events().forEach(e -> out.println(e.message()));
        token = p.next();
      }
    }
  }

  private JobDetail describe(BatchGateway batch, String id) {
    List<JobDetail> found = batch.describe(List.of(id)).block();
    if (found.isEmpty()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "AWS Batch knows no job "
              + id
              + " (it forgets jobs about 7 days after they end); check the id, the region and"
              + " AWS_ENDPOINT_URL_BATCH");
    }
    return found.get(0);
  }

  /** The job ids to print: the job, or its children (one with --worker) for an array job. */
  private List<String> children(JobDetail job) {
    int size =
        job.arrayProperties() == null || job.arrayProperties().size() == null
            ? 0
            : job.arrayProperties().size();
    boolean child = job.jobId().contains(":");
    if (size == 0 || child) {
      if (worker != null && worker != 1 && !child) {
        throw new PitrException(
            ErrorCode.USAGE, "Job " + job.jobId() + " is not an array job; leave --worker out");
      }
      return List.of(job.jobId());
    }
    if (worker != null) {
      if (worker > size) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--worker "
                + worker
                + " is outside array job "
                + job.jobId()
                + " of "
                + size
                + " workers; pass 1-"
                + size);
      }
      return List.of(job.jobId() + ":" + (worker - 1));
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ids.add(job.jobId() + ":" + i);
    }
    return ids;
  }

  static boolean looksLikeJobId(String text) {
    return text.matches(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(:\\d+)?");
  }

  /** The latest job submitted for migration {@code name} (or its number), from the ledger. */
  /**
   * The Batch job run {@code runId} was submitted as, from its checkpoint table: the one recorded
   * at submission, else the array job of a worker that reported its job id.
   */
  private java.util.Optional<String> runJob(String runId) {
    try (Targets t = Targets.of(spec)) {
      pitr.copy.TableCheckpoints store = pitr.copy.TableCheckpoints.in(t.gateway, checkpointTable);
      java.util.Optional<String> recorded =
          store.job(runId).map(pitr.copy.RunJob::jobId).blockOptional();
      if (recorded.isPresent()) {
        return recorded;
      }
      return store.leases(runId).block().stream()
          .filter(l -> l.owner() != null && l.owner().batchJobId() != null)
          .map(l -> pitr.copy.RunJob.parentOf(l.owner().batchJobId()))
          .findFirst();
    }
  }

  private String latestJob(String name) {
    TargetOptions target = PitrCommand.of(spec).target();
    List<JobSubmission> all;
    try (DynamoDbAsyncClient client = target.client()) {
      MigrationEnvironment env =
          MigrationEnvironment.create(
              client,
              Clock.systemUTC(),
              Schedulers.parallel(),
              MigrationEnvironment.Settings.defaults(target.describe())
                  .withTables(ledgerTable, "pitr-journal"));
      all = env.submissions().list().block();
    }
    return all.stream()
        .filter(s -> s.migration().equals(name) || s.migration().startsWith(name + "_"))
        .filter(s -> s.jobId() != null)
        .max(Comparator.comparing(JobSubmission::submittedAt))
        .map(JobSubmission::jobId)
        .orElseThrow(
            () ->
                new PitrException(
                    ErrorCode.USAGE,
                    "No AWS Batch job is recorded for "
                        + name
                        + " in ledger "
                        + ledgerTable
                        + "; pass a job id (printed by migrate submit and copy-back --submit) or"
                        + " the name of a migration submitted with pitr migrate submit (a"
                        + " scheduled one has a job only once its schedule fired)"));
  }
}
