package pitr.batch;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@code pitr batch setup} registers: the image, its roles, its size, where it runs, its retry
 * budget and its per-attempt timeout.
 *
 * @param name job definition name, {@code pitr} by default
 * @param image the container image, e.g. an ECR repository URI with a tag
 * @param jobRole the IAM role the container's AWS calls use
 * @param executionRole the role ECS pulls the image and writes logs with (required on Fargate), or
 *     null
 * @param vcpus vCPUs per container
 * @param memoryMib memory per container, in MiB
 * @param platform FARGATE or EC2
 * @param attempts attempts per job (Batch allows 1-10), used by the retry strategy
 * @param timeout the longest one attempt may run before Batch stops it
 * @param assignPublicIp on Fargate, whether each task gets a public IP (needed in a public subnet
 *     to reach ECR, CloudWatch Logs and the AWS APIs; a private subnet needs a NAT gateway or VPC
 *     endpoints instead); ignored on EC2
 */
public record JobDefinitionSpec(
    String name,
    String image,
    String jobRole,
    String executionRole,
    double vcpus,
    int memoryMib,
    Platform platform,
    int attempts,
    Duration timeout,
    boolean assignPublicIp) {

  /** The default job definition name, which the submitting commands use. */
  public static final String DEFAULT_NAME = "pitr";

  /** Where the jobs run. */
  public enum Platform {
    /** Serverless containers; needs an execution role. */
    FARGATE,
    /** The compute environment's EC2 (or Spot) instances. */
    EC2
  }

  public JobDefinitionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(jobRole, "jobRole");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(timeout, "timeout");
  }
}
