package pitr.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.BatchGateway;
import pitr.batch.JobDefinitionSpec;
import pitr.batch.JobDefinitions;
import pitr.dynamo.Durations;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;

/**
 * {@code pitr batch setup}: registers the job definition {@code pitr} (or a new revision of it)
 * after checking that the job queue exists.
 */
@TargetUse(
    why = "registers an AWS Batch job definition (AWS_ENDPOINT_URL_BATCH points it elsewhere)",
    uses = {"--region", "--profile"})
@Command(
    name = "setup",
    mixinStandardHelpOptions = true,
    description = {
      "Register the AWS Batch job definition pitr runs as (a new revision when it exists): the"
          + " image, its roles and size, a retry strategy (retried when the host or Spot capacity"
          + " is lost or pitr exits 1; never on exit 2, 3 or 4), a timeout per attempt and"
          + " CloudWatch Logs (awslogs, group /aws/batch/job).",
      "On FARGATE (the default) it needs --execution-role and a vCPU/memory combination Fargate"
          + " runs, and carries the task's network configuration (--assign-public-ip) and"
          + " platform version LATEST.",
      "The job queue is checked first: an unknown one refuses with exit code 3 and registers"
          + " nothing. --dry-run prints the definition as JSON and calls nothing."
    })
final class BatchSetupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--job-queue",
      required = true,
      paramLabel = "QUEUE",
      description = "The job queue the jobs will be submitted to (name or ARN); must exist.")
  String jobQueue;

  @Option(
      names = "--image",
      required = true,
      paramLabel = "IMAGE",
      description = {
        "The pitr image, built with mvn -Pimage jib:build, e.g.",
        "ACCOUNT.dkr.ecr.REGION.amazonaws.com/pitr:1.0."
      })
  String image;

  @Option(
      names = "--job-role",
      required = true,
      paramLabel = "ARN",
      description = "IAM role of the container's AWS calls (see deploy/iam/job-role.json).")
  String jobRole;

  @Option(
      names = "--execution-role",
      paramLabel = "ARN",
      description = "Role ECS pulls the image and writes logs with; required with FARGATE.")
  String executionRole;

  @Option(
      names = "--job-definition",
      paramLabel = "NAME",
      defaultValue = JobDefinitionSpec.DEFAULT_NAME,
      description = "Job definition name (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--vcpus",
      paramLabel = "N",
      defaultValue = "1",
      converter = BatchRanges.VCpus.class,
      description = "vCPUs per container, 0.25-192 (default: ${DEFAULT-VALUE}).")
  double vcpus;

  @Option(
      names = "--memory",
      paramLabel = "MIB",
      defaultValue = "2048",
      converter = BatchRanges.MemoryMib.class,
      description = "Memory per container in MiB, 512-1,048,576 (default: ${DEFAULT-VALUE}).")
  int memory;

  @Option(
      names = "--platform",
      paramLabel = "FARGATE|EC2",
      defaultValue = "FARGATE",
      description = "Where the jobs run: FARGATE or EC2 (default: ${DEFAULT-VALUE}).")
  JobDefinitionSpec.Platform platform;

  @Option(
      names = "--assign-public-ip",
      paramLabel = "ENABLED|DISABLED",
      defaultValue = "DISABLED",
      description =
          "With FARGATE: whether each task gets a public IP, needed in a public subnet to pull the"
              + " image and reach AWS; tasks in private subnets need a NAT gateway or VPC endpoints"
              + " (ECR, S3, CloudWatch Logs, DynamoDB) instead (default: ${DEFAULT-VALUE}).")
  PublicIp assignPublicIp;

  /** Whether a Fargate task gets a public IP. */
  enum PublicIp {
    /** A public IP: the task reaches ECR and the AWS APIs from a public subnet. */
    ENABLED,
    /** No public IP: the subnet needs a NAT gateway or VPC endpoints. */
    DISABLED
  }

  @Option(
      names = "--attempts",
      paramLabel = "N",
      defaultValue = "3",
      converter = BatchRanges.Attempts.class,
      description = "Attempts per job for the retry strategy, 1-10 (default: ${DEFAULT-VALUE}).")
  int attempts;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "24h",
      converter = BatchRanges.JobTimeout.class,
      description = "Longest run of one attempt, 1m-14d (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--dry-run", description = "Print the job definition as JSON; call nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    checkRole("--job-role", jobRole);
    if (executionRole != null) {
      checkRole("--execution-role", executionRole);
    }
    if (image.isBlank()) {
      throw new PitrException(
          ErrorCode.USAGE, "--image is empty; pass the image, e.g. pitr:1.0 or an ECR URI");
    }
    JobDefinitionSpec definition =
        new JobDefinitionSpec(
            name,
            image,
            jobRole,
            executionRole,
            vcpus,
            memory,
            platform,
            attempts,
            timeout,
            assignPublicIp == PublicIp.ENABLED);
    if (platform == JobDefinitionSpec.Platform.EC2
        && spec.commandLine().getParseResult().hasMatchedOption("--assign-public-ip")) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--assign-public-ip is for --platform FARGATE; on EC2 the compute environment's"
              + " subnets decide, so drop it");
    }
    RegisterJobDefinitionRequest request = JobDefinitions.request(definition);
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      Json.print(out, JobDefinitions.json(request));
      return 0;
    }
    BatchGateway.Registered registered;
    try (BatchAsyncClient client = new AwsClients(PitrCommand.of(spec).target()).batch()) {
      BatchGateway batch = new BatchGateway(client);
      if (!batch.queueExists(jobQueue).block()) {
        throw new PitrException(
            ErrorCode.REFUSED,
            "Job queue "
                + jobQueue
                + " does not exist; create it (a compute environment and a job queue, in the"
                + " console or with aws batch create-job-queue) or pass an existing one to"
                + " --job-queue. Nothing was registered");
      }
      registered = batch.register(request).block();
    }
    print(out, registered, request);
    return 0;
  }

  private void print(PrintWriter out, BatchGateway.Registered r, RegisterJobDefinitionRequest q) {
    if (Targets.json(spec)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("jobDefinitionName", r.name());
      m.put("revision", r.revision());
      m.put("jobDefinitionArn", r.arn());
      m.put("jobQueue", jobQueue);
      m.put("definition", JobDefinitions.json(q));
      Json.print(out, m);
      return;
    }
    out.println(
        "Registered job definition " + r.name() + ":" + r.revision() + " (" + r.arn() + ")");
    out.println(
        "  image "
            + image
            + ", "
            + vcpuText(vcpus)
            + ", "
            + memory
            + " MiB, "
            + platform
            + (platform == JobDefinitionSpec.Platform.FARGATE
                ? " (platform version LATEST, public IP " + assignPublicIp + ")"
                : ""));
    out.println(
        "  job role "
            + jobRole
            + (executionRole == null ? "" : ", execution role " + executionRole));
    out.println(
        "  retry: "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + ", retried when the host or Spot capacity is lost or pitr exits 1; not on exit 2, 3"
            + " or 4");
    out.println(
        "  timeout "
            + Durations.format(timeout)
            + " per attempt; logs: awslogs, group "
            + JobDefinitions.LOG_GROUP);
    out.println(
        "  submit to job queue "
            + jobQueue
            + ", e.g. pitr migrate submit NAME --job-queue "
            + jobQueue);
    out.flush();
  }

  /** Refuses a role that is not an IAM role ARN (exit 2). */
  static void checkRole(String option, String arn) {
    if (!arn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/.+")) {
      throw new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + arn
              + " is not an IAM role ARN; pass one like arn:aws:iam::123456789012:role/pitr-job");
    }
  }

  private static String vcpuText(double v) {
    String n = v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    return n + (v == 1 ? " vCPU" : " vCPUs");
  }
}
