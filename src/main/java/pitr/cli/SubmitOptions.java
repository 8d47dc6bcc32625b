package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.BatchGateway;
import pitr.batch.JobSpec;
import pitr.copy.RunJob;
import pitr.copy.TableCheckpoints;
import software.amazon.awssdk.services.batch.BatchAsyncClient;

/**
 * {@code --submit batch --workers N}: instead of running here, submit the same command as an AWS
 * Batch array job of N children sharing one run id and checkpoint table, each with {@code --worker
 * auto/N}.
 */
final class SubmitOptions {
  /** Where a command can be submitted. */
  enum Where {
    /** AWS Batch. */
    BATCH
  }

  /** Options that stay on the submitting machine, each followed by a value. */
  private static final Set<String> LOCAL_ONLY =
      Set.of(
          "--submit",
          "--workers",
          "--job-queue",
          "--job-definition",
          "--worker",
          "--run-id",
          "--state-dir",
          "--failures");

  @Option(
      names = "--submit",
      paramLabel = "batch",
      description =
          "Run on AWS Batch instead of here: an array job of --workers children sharing one run id"
              + " and --checkpoint-table (required), each with --worker auto/N.")
  Where submit;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      converter = BatchRanges.Workers.class,
      description = "With --submit: how many workers, 1-10,000 (default: ${DEFAULT-VALUE}).")
  int workers;

  @Mixin BatchOptions batch = new BatchOptions();

  boolean requested() {
    return submit != null;
  }

  /** Refuses (exit 2) the submit-only options without {@code --submit}. */
  void refuseWithoutSubmit(CommandSpec spec) {
    if (submit == null
        && (spec.commandLine().getParseResult().hasMatchedOption("--workers")
            || batch.jobQueue != null)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--workers and --job-queue are for --submit batch; to split the work here, start N"
              + " processes with --worker I/N and one --run-id");
    }
  }

  /**
   * Submits {@code command} (its original arguments, less the local-only ones) as a job of {@link
   * #workers} children; prints the job and returns 0.
   *
   * @throws PitrException {@link ErrorCode#USAGE} without {@code --checkpoint-table} or {@code
   *     --job-queue}; {@link ErrorCode#REFUSED} when the queue or job definition does not exist
   */
  int submit(
      CommandSpec spec, String command, String checkpointTable, String runId, boolean resume) {
    if (checkpointTable == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--submit batch needs --checkpoint-table TABLE: the workers run on other machines and"
              + " share their checkpoints there (created on first use), so a failed worker can"
              + " resume. Nothing was submitted");
    }
    batch.require(command + " --submit batch");
    List<String> args =
        childArgs(spec.commandLine().getParseResult().originalArgs(), runId, resume, workers);
    TargetOptions target = PitrCommand.of(spec).target();
    try (BatchAsyncClient client = new AwsClients(target).batch()) {
      BatchGateway gateway = new BatchGateway(client);
      batch.checkExists(gateway);
      Map<String, String> env = new LinkedHashMap<>();
      env.put("AWS_REGION", client.serviceClientConfiguration().region().id());
      JobSpec job =
          new JobSpec(
              JobSpec.jobName("pitr-" + command + "-" + runId),
              batch.jobQueue,
              batch.jobDefinition,
              args,
              workers,
              env);
      String jobId = gateway.submit(job.request()).block().jobId();
      print(spec, command, runId, checkpointTable, jobId, job);
      record(spec, checkpointTable, runId, new RunJob(jobId, job.jobQueue(), workers, now(), args));
    }
    return 0;
  }

  private static java.time.Instant now() {
    return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /**
   * Records the job with the run in its checkpoint table, so {@code runs show} and {@code logs}
   * find it from the run id. Said, not thrown, when that fails: the job is submitted, and its
   * workers record their job ids in their leases.
   */
  private static void record(CommandSpec spec, String checkpointTable, String runId, RunJob job) {
    try (Targets t = Targets.of(spec)) {
      TableCheckpoints.in(t.gateway, checkpointTable).saveJob(runId, job).block();
    } catch (PitrException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "Could not record job "
              + job.jobId()
              + " with run "
              + runId
              + " in checkpoint table "
              + checkpointTable
              + " ("
              + e.getMessage()
              + "); pitr runs show finds it once a worker has started");
      err.flush();
    }
  }

  /**
   * The children's arguments: {@code original} less the local-only options, with the run id and,
   * for more than one worker, {@code --worker auto/N}.
   */
  static List<String> childArgs(List<String> original, String runId, boolean resume, int workers) {
    List<String> args = new ArrayList<>();
    for (int i = 0; i < original.size(); i++) {
      String a = original.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (LOCAL_ONLY.contains(name)) {
        if (!a.contains("=")) {
          i++;
        }
        continue;
      }
      args.add(a);
    }
    if (!resume) {
      args.addAll(List.of("--run-id", runId));
    }
    if (workers > 1) {
      args.addAll(List.of("--worker", "auto/" + workers));
    }
    return args;
  }

  private void print(
      CommandSpec spec,
      String command,
      String runId,
      String checkpointTable,
      String jobId,
      JobSpec job) {
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("runId", runId);
      m.put("jobId", jobId);
      m.put("jobName", job.jobName());
      m.put("jobQueue", job.jobQueue());
      m.put("workers", workers);
      m.put("command", job.command());
      Json.print(out, m);
      return;
    }
    out.println(
        "Submitted "
            + command
            + " run "
            + runId
            + " as AWS Batch "
            + (workers > 1 ? "array job " + jobId + " of " + workers + " workers" : "job " + jobId)
            + " (queue "
            + job.jobQueue()
            + ")");
    out.println("  watch it: pitr runs show " + runId + " --checkpoint-table " + checkpointTable);
    out.println(
        "  its logs: pitr logs " + jobId + (workers > 1 ? " --worker I (1-" + workers + ")" : ""));
    out.println("  command: pitr " + String.join(" ", job.command()));
    out.flush();
  }
}
