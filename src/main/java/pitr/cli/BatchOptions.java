package pitr.cli;

import picocli.CommandLine.Option;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.BatchGateway;
import pitr.batch.JobDefinitionSpec;

/** Where a submitting command sends its job: {@code --job-queue} and {@code --job-definition}. */
final class BatchOptions {
  @Option(
      names = "--job-queue",
      paramLabel = "QUEUE",
      description = "AWS Batch job queue to submit to (name or ARN).")
  String jobQueue;

  @Option(
      names = "--job-definition",
      paramLabel = "NAME",
      defaultValue = JobDefinitionSpec.DEFAULT_NAME,
      description = "Job definition registered by 'pitr batch setup' (default: ${DEFAULT-VALUE}).")
  String jobDefinition;

  /** Refuses (exit 2) when {@code --job-queue} is missing. */
  void require(String command) {
    if (jobQueue == null || jobQueue.isBlank()) {
      throw new PitrException(
          ErrorCode.USAGE,
          command
              + " submits to AWS Batch and needs --job-queue QUEUE, the queue named to 'pitr batch"
              + " setup'");
    }
  }

  /**
   * Refuses ({@link ErrorCode#REFUSED}) when the queue or the job definition does not exist, before
   * anything is submitted.
   */
  void checkExists(BatchGateway batch) {
    if (!batch.queueExists(jobQueue).block()) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Job queue "
              + jobQueue
              + " does not exist; pass an existing one to --job-queue. Nothing was submitted");
    }
    if (batch.activeDefinition(jobDefinition).block().isEmpty()) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Job definition "
              + jobDefinition
              + " does not exist; register it with pitr batch setup --job-queue "
              + jobQueue
              + " --image IMAGE --job-role ARN. Nothing was submitted");
    }
  }
}
