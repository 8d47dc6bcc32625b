package pitr.batch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

/**
 * A pitr command to run on AWS Batch: the job's name, queue and definition, the command (the
 * arguments after the image's {@code pitr} entrypoint), the array size (1 for a single job) and
 * extra environment variables.
 *
 * @param jobName the job name: up to 128 letters, digits, hyphens and underscores
 * @param jobQueue the job queue's name or ARN
 * @param jobDefinition the job definition's name (its newest revision) or ARN
 * @param command the pitr arguments, e.g. {@code migrate prod 0001 --yes}
 * @param arraySize 1 for one job, 2-10,000 for an array job of that many children
 * @param environment extra variables for the container
 */
public record JobSpec(
    String jobName,
    String jobQueue,
    String jobDefinition,
    List<String> command,
    int arraySize,
    Map<String, String> environment) {

  public JobSpec {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(jobQueue, "jobQueue");
    Objects.requireNonNull(jobDefinition, "jobDefinition");
    command = List.copyOf(command);
    environment = new LinkedHashMap<>(environment);
    if (arraySize < 1 || arraySize > 10_000) {
      throw new IllegalArgumentException("array size " + arraySize + " is not 1-10,000");
    }
  }

  /** A Batch job name from {@code text}: characters Batch refuses become '-', cut to 128. */
  public static String jobName(String text) {
    String name = text.replaceAll("[^A-Za-z0-9_-]", "-");
    if (!Character.isLetterOrDigit(name.charAt(0))) {
      name = "pitr-" + name;
    }
    return name.length() <= 128 ? name : name.substring(0, 128);
  }

  /** The SubmitJob request. */
  public SubmitJobRequest request() {
    SubmitJobRequest.Builder b =
        SubmitJobRequest.builder()
            .jobName(jobName)
            .jobQueue(jobQueue)
            .jobDefinition(jobDefinition)
            .containerOverrides(
                ContainerOverrides.builder()
                    .command(command)
                    .environment(
                        environment.entrySet().stream()
                            .map(
                                e ->
                                    KeyValuePair.builder()
                                        .name(e.getKey())
                                        .value(e.getValue())
                                        .build())
                            .toList())
                    .build());
    if (arraySize > 1) {
      b.arrayProperties(ArrayProperties.builder().size(arraySize).build());
    }
    return b.build();
  }

  /**
   * The SubmitJob request as an EventBridge Scheduler universal target's Input: the API's
   * parameters with the SDK's member names ({@code JobName}, {@code JobQueue}, ...).
   */
  public Map<String, Object> schedulerInput() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("JobName", jobName);
    m.put("JobQueue", jobQueue);
    m.put("JobDefinition", jobDefinition);
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("Command", command);
    List<Map<String, String>> env = new ArrayList<>();
    environment.forEach((k, v) -> env.add(Map.of("Name", k, "Value", v)));
    overrides.put("Environment", env);
    m.put("ContainerOverrides", overrides);
    if (arraySize > 1) {
      m.put("ArrayProperties", Map.of("Size", arraySize));
    }
    return m;
  }
}
