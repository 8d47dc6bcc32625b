package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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
import pitr.batch.StagedFiles;
import pitr.copy.RunJob;
import pitr.copy.TableCheckpoints;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

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
          "--failures",
          "--stage");

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

  @Option(
      names = "--stage",
      paramLabel = "S3_URI",
      description =
          "With --submit: upload the local file the workers read (--apply PLAN, --keys FILE) to"
              + " S3_URI, an S3 bucket and prefix like s3://my-bucket/pitr, under PREFIX/RUN_ID/;"
              + " each worker fetches it and checks its SHA-256 before using it. Required for a"
              + " local file.")
  String stage;

  @Mixin BatchOptions batch = new BatchOptions();

  /** The S3 address the workers read their file from, once {@link #submit} staged or took it. */
  private String staged;

  /**
   * A file the workers read, as given on the command line.
   *
   * @param option the option, e.g. {@code --apply}
   * @param value its value: a local path, or an {@code s3://} address
   * @param what what the file is, for messages: "The plan", "The keys file"
   */
  record Input(String option, String value, String what) {
    boolean local() {
      return !StagedFiles.Location.is(value);
    }
  }

  boolean requested() {
    return submit != null;
  }

  /** Refuses (exit 2) the submit-only options without {@code --submit}. */
  void refuseWithoutSubmit(CommandSpec spec) {
    if (submit == null
        && (spec.commandLine().getParseResult().hasMatchedOption("--workers")
            || batch.jobQueue != null
            || stage != null)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--workers, --job-queue and --stage are for --submit batch; to split the work here,"
              + " start N processes with --worker I/N and one --run-id");
    }
  }

  /** The S3 address the workers read their file from, or null (none, or not submitted yet). */
  String staged() {
    return staged;
  }

  /**
   * Submits {@code command} (its original arguments, less the local-only ones) as a job of {@link
   * #workers} children; prints the job and returns 0. A local {@code input} is uploaded with {@code
   * --stage} once everything else is checked, and the children get its S3 address instead: the
   * upload is the only thing written before the job is submitted.
   *
   * @param input the file the workers read, or null
   * @throws PitrException {@link ErrorCode#USAGE} without {@code --checkpoint-table} or {@code
   *     --job-queue}, for a local input without {@code --stage} (or {@code --stage} without one),
   *     or when the stage bucket does not exist or cannot be written; {@link ErrorCode#REFUSED}
   *     when the queue or job definition does not exist
   */
  int submit(
      CommandSpec spec,
      String command,
      String checkpointTable,
      String runId,
      boolean resume,
      Input input) {
    if (checkpointTable == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--submit batch needs --checkpoint-table TABLE: the workers run on other machines and"
              + " share their checkpoints there (created on first use), so a failed worker can"
              + " resume. Nothing was submitted");
    }
    batch.require(command + " --submit batch");
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    refuseLocalReads(original);
    StagedFiles.Location stageTo = stageLocation(input);
    TargetOptions target = PitrCommand.of(spec).target();
    try (Targets dynamo = Targets.of(spec);
        BatchAsyncClient client = new AwsClients(target).batch()) {
      TableCheckpoints checkpoints = TableCheckpoints.in(dynamo.gateway, checkpointTable);
      refuseOtherKey(checkpoints);
      BatchGateway gateway = new BatchGateway(client);
      batch.checkExists(gateway);
      staged = input == null ? null : input.value();
      if (stageTo != null) {
        try (S3AsyncClient s3 = new AwsClients(target).s3()) {
          staged = new StagedFiles(s3).stage(Path.of(input.value()), stageTo, runId).block().uri();
        }
      }
      List<String> args =
          childArgs(
              original,
              runId,
              resume,
              workers,
              input == null ? Map.of() : Map.of(input.option(), staged));
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
      String jobId;
      try {
        jobId = gateway.submit(job.request()).block().jobId();
      } catch (PitrException e) {
        throw stageTo == null ? e : uploadedButNotSubmitted(e, input);
      }
      print(spec, command, runId, checkpointTable, jobId, job);
      record(spec, checkpoints, runId, new RunJob(jobId, job.jobQueue(), workers, now(), args));
    }
    return 0;
  }

  /**
   * Where {@code input} is to be uploaded: the {@code --stage} location for a local file, else
   * null.
   *
   * @throws PitrException {@link ErrorCode#USAGE} for a local file without {@code --stage}, an
   *     {@code s3://} one with it, {@code --stage} with no file to stage, or a malformed location
   */
  private StagedFiles.Location stageLocation(Input input) {
    if (input == null) {
      if (stage != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--stage uploads the file the workers read (--apply PLAN or --keys FILE), and this"
                + " command has none; drop --stage");
      }
      return null;
    }
    if (!input.local()) {
      if (stage != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            input.option()
                + " "
                + input.value()
                + " is in S3 already and --stage uploads a local file; drop --stage");
      }
      return null;
    }
    if (stage == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          input.option()
              + " "
              + input.value()
              + " is a file on this machine, and the workers run in AWS Batch containers that do"
              + " not have it; pass --stage s3://BUCKET/PREFIX to upload it for them (their job"
              + " role needs s3:GetObject there, see deploy/iam/job-role.json), or upload it"
              + " yourself and pass "
              + input.option()
              + " s3://BUCKET/KEY. Nothing was submitted");
    }
    return StagedFiles.Location.parse("--stage", stage, false);
  }

  /**
   * Refuses a checkpoint table of another key before anything is uploaded or submitted: every
   * worker would fail on it. What these credentials may not do there is left to the workers' check.
   */
  private static void refuseOtherKey(TableCheckpoints checkpoints) {
    try {
      checkpoints.checkKey(Duration.ofSeconds(2)).block();
    } catch (PitrException e) {
      throw new PitrException(e.code(), e.getMessage() + ". Nothing was submitted", e);
    }
  }

  /** The refusal of a submit that failed after the file was uploaded: it says what is left. */
  private PitrException uploadedButNotSubmitted(PitrException e, Input input) {
    return new PitrException(
        e.code(),
        e.getMessage()
            + ". "
            + input.what()
            + " "
            + input.value()
            + " had been uploaded to "
            + staged
            + ", which no job reads: submit again with "
            + input.option()
            + " "
            + staged
            + " (no new upload), or delete it with aws s3 rm "
            + staged,
        e);
  }

  /**
   * Refuses (exit 2) a {@code file://PATH} value (a filter's placeholders): the workers would read
   * PATH in their containers, where it is not.
   */
  private static void refuseLocalReads(List<String> original) {
    for (int i = 0; i < original.size(); i++) {
      String a = original.get(i);
      String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : a;
      if (value.regionMatches(true, 0, "file://", 0, 7)) {
        String option =
            a.contains("=") ? a.substring(0, a.indexOf('=')) : i > 0 ? original.get(i - 1) : "";
        throw new PitrException(
            ErrorCode.USAGE,
            option
                + " "
                + value
                + " would be read by the workers in their AWS Batch containers, where that file"
                + " is not; pass its JSON inline with --submit batch. Nothing was submitted");
      }
    }
  }

  private static java.time.Instant now() {
    return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /**
   * Records the job with the run in its checkpoint table, so {@code runs show} and {@code logs}
   * find it from the run id. Said, not thrown, when that fails: the job is submitted, and its
   * workers record their job ids in their leases.
   */
  private static void record(
      CommandSpec spec, TableCheckpoints checkpoints, String runId, RunJob job) {
    try {
      checkpoints.saveJob(runId, job).block();
    } catch (PitrException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "Could not record job "
              + job.jobId()
              + " with run "
              + runId
              + " in checkpoint "
              + checkpoints.describe()
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
    return childArgs(original, runId, resume, workers, Map.of());
  }

  /**
   * As {@link #childArgs(List, String, boolean, int)}, with the value of each option in {@code
   * replaced} (e.g. {@code --apply}) replaced by the one it maps to.
   */
  static List<String> childArgs(
      List<String> original,
      String runId,
      boolean resume,
      int workers,
      Map<String, String> replaced) {
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
      if (replaced.containsKey(name)) {
        args.add(name);
        args.add(replaced.get(name));
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
      if (staged != null) {
        m.put("staged", staged);
      }
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
