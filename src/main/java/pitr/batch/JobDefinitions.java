package pitr.batch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.services.batch.model.AssignPublicIp;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.EvaluateOnExit;
import software.amazon.awssdk.services.batch.model.FargatePlatformConfiguration;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobTimeout;
import software.amazon.awssdk.services.batch.model.LogConfiguration;
import software.amazon.awssdk.services.batch.model.LogDriver;
import software.amazon.awssdk.services.batch.model.NetworkConfiguration;
import software.amazon.awssdk.services.batch.model.PlatformCapability;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.RetryAction;
import software.amazon.awssdk.services.batch.model.RetryStrategy;

/**
 * Builds the job definition pitr runs as (pure; {@link BatchGateway} registers it).
 *
 * <p>Retry strategy, first match wins: a job whose host went away (an EC2 instance or Spot capacity
 * reclaimed, {@code Host EC2*}; a Fargate Spot task interrupted) or that exited 1 (an AWS call or
 * the network failed; pitr's commands are safe to rerun, and copy-back and rollback resume from
 * their checkpoints) is retried up to {@code attempts} times in all; anything else stops: exit 2
 * (invalid input) and 3 (refused by a safety check) would fail the same way again, and exit 4 (some
 * items failed) needs an operator to look at the failure file.
 *
 * <p>Logs go to CloudWatch Logs with the {@code awslogs} driver, to Batch's default group {@code
 * /aws/batch/job}; {@code pitr logs} finds each job's stream from DescribeJobs.
 */
public final class JobDefinitions {
  /** The exit code Batch retries: pitr's {@link ErrorCode#FAILED}. */
  static final int RETRYABLE_EXIT_CODE = ErrorCode.FAILED.exitCode();

  /** The Fargate platform version the definition asks for. */
  static final String PLATFORM_VERSION = "LATEST";

  /** Batch's default log group for container logs. */
  public static final String LOG_GROUP = "/aws/batch/job";

  private JobDefinitions() {}

  /**
   * The RegisterJobDefinition request for {@code spec}; registering it again makes a new revision.
   *
   * <p>On Fargate the definition also carries the task's network configuration (whether it gets a
   * public IP) and the platform version ({@code LATEST}).
   *
   * @throws PitrException {@link ErrorCode#USAGE} when Fargate is asked for without an execution
   *     role, which Fargate needs to pull the image and write the logs, or with a vCPU and memory
   *     combination Fargate does not offer
   */
  public static RegisterJobDefinitionRequest request(JobDefinitionSpec spec) {
    boolean fargate = spec.platform() == JobDefinitionSpec.Platform.FARGATE;
    if (fargate && spec.executionRole() == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--platform FARGATE needs --execution-role ARN, the role ECS pulls the image and writes"
              + " the logs with (e.g. one with the managed policy"
              + " AmazonECSTaskExecutionRolePolicy); pass it, or --platform EC2");
    }
    if (fargate) {
      FargateSizes.check(spec.vcpus(), spec.memoryMib());
    }
    ContainerProperties.Builder container =
        ContainerProperties.builder()
            .image(spec.image())
            .command("--version")
            .jobRoleArn(spec.jobRole())
            .resourceRequirements(
                ResourceRequirement.builder()
                    .type(ResourceType.VCPU)
                    .value(number(spec.vcpus()))
                    .build(),
                ResourceRequirement.builder()
                    .type(ResourceType.MEMORY)
                    .value(Integer.toString(spec.memoryMib()))
                    .build())
            .logConfiguration(LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).build());
    if (spec.executionRole() != null) {
      container.executionRoleArn(spec.executionRole());
    }
    if (fargate) {
      container
          .networkConfiguration(
              NetworkConfiguration.builder()
                  .assignPublicIp(
                      spec.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED)
                  .build())
          .fargatePlatformConfiguration(
              FargatePlatformConfiguration.builder().platformVersion(PLATFORM_VERSION).build());
    }
    return RegisterJobDefinitionRequest.builder()
        .jobDefinitionName(spec.name())
        .type(JobDefinitionType.CONTAINER)
        .platformCapabilities(PlatformCapability.fromValue(spec.platform().name()))
        .containerProperties(container.build())
        .retryStrategy(retryStrategy(spec.attempts()))
        .timeout(
            JobTimeout.builder()
                .attemptDurationSeconds(
                    (int) Math.min(Integer.MAX_VALUE, spec.timeout().toSeconds()))
                .build())
        .build();
  }

  /** The retry strategy described on this class. */
  static RetryStrategy retryStrategy(int attempts) {
    return RetryStrategy.builder()
        .attempts(attempts)
        .evaluateOnExit(
            EvaluateOnExit.builder().onStatusReason("Host EC2*").action(RetryAction.RETRY).build(),
            EvaluateOnExit.builder()
                .onStatusReason("Your Spot Task was interrupted*")
                .action(RetryAction.RETRY)
                .build(),
            EvaluateOnExit.builder()
                .onExitCode(Integer.toString(RETRYABLE_EXIT_CODE))
                .action(RetryAction.RETRY)
                .build(),
            EvaluateOnExit.builder().onReason("*").action(RetryAction.EXIT).build())
        .build();
  }

  /** The request as the Batch API's JSON (its member names), for {@code --dry-run}. */
  public static Map<String, Object> json(RegisterJobDefinitionRequest r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jobDefinitionName", r.jobDefinitionName());
    m.put("type", r.typeAsString());
    m.put("platformCapabilities", r.platformCapabilitiesAsStrings());
    ContainerProperties c = r.containerProperties();
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("image", c.image());
    container.put("command", c.command());
    container.put("jobRoleArn", c.jobRoleArn());
    if (c.executionRoleArn() != null) {
      container.put("executionRoleArn", c.executionRoleArn());
    }
    List<Map<String, String>> resources = new ArrayList<>();
    for (ResourceRequirement q : c.resourceRequirements()) {
      resources.add(Map.of("type", q.typeAsString(), "value", q.value()));
    }
    container.put("resourceRequirements", resources);
    container.put(
        "logConfiguration", Map.of("logDriver", c.logConfiguration().logDriverAsString()));
    if (c.networkConfiguration() != null) {
      container.put(
          "networkConfiguration",
          Map.of("assignPublicIp", c.networkConfiguration().assignPublicIpAsString()));
    }
    if (c.fargatePlatformConfiguration() != null) {
      container.put(
          "fargatePlatformConfiguration",
          Map.of("platformVersion", c.fargatePlatformConfiguration().platformVersion()));
    }
    m.put("containerProperties", container);
    m.put("retryStrategy", json(r.retryStrategy()));
    m.put("timeout", Map.of("attemptDurationSeconds", r.timeout().attemptDurationSeconds()));
    return m;
  }

  static Map<String, Object> json(RetryStrategy s) {
    List<Map<String, String>> rules = new ArrayList<>();
    for (EvaluateOnExit e : s.evaluateOnExit()) {
      Map<String, String> rule = new LinkedHashMap<>();
      if (e.onStatusReason() != null) {
        rule.put("onStatusReason", e.onStatusReason());
      }
      if (e.onReason() != null) {
        rule.put("onReason", e.onReason());
      }
      if (e.onExitCode() != null) {
        rule.put("onExitCode", e.onExitCode());
      }
      rule.put("action", e.actionAsString().toUpperCase(Locale.ROOT));
      rules.add(rule);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("attempts", s.attempts());
    m.put("evaluateOnExit", rules);
    return m;
  }

  /** 1 for 1.0, 0.25 for 0.25: Batch takes vCPUs as a string. */
  static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
