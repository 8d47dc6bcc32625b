package pitr.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.batch.model.DescribeJobDefinitionsRequest;
import software.amazon.awssdk.services.batch.model.DescribeJobQueuesRequest;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobResponse;

/** Every AWS Batch call pitr makes, each wrapped once; the client is the caller's to close. */
public final class BatchGateway {
  /** DescribeJobs takes at most 100 job ids per call. */
  static final int DESCRIBE_LIMIT = 100;

  private final BatchAsyncClient client;

  public BatchGateway(BatchAsyncClient client) {
    this.client = client;
  }

  /**
   * A job definition revision just registered.
   *
   * @param name its name
   * @param revision its revision number
   * @param arn its ARN
   */
  public record Registered(String name, int revision, String arn) {}

  /** True when job queue {@code name} (a name or an ARN) exists. */
  public Mono<Boolean> queueExists(String name) {
    return AwsCalls.call(
            "AWS Batch DescribeJobQueues",
            () ->
                client.describeJobQueues(
                    DescribeJobQueuesRequest.builder().jobQueues(name).build()))
        .map(r -> !r.jobQueues().isEmpty());
  }

  /** The newest ACTIVE revision of job definition {@code name}, if any. */
  public Mono<Optional<JobDefinition>> activeDefinition(String name) {
    return AwsCalls.call(
            "AWS Batch DescribeJobDefinitions",
            () ->
                client.describeJobDefinitions(
                    DescribeJobDefinitionsRequest.builder()
                        .jobDefinitionName(name)
                        .status("ACTIVE")
                        .build()))
        .map(
            r ->
                r.jobDefinitions().stream()
                    .max(java.util.Comparator.comparingInt(JobDefinition::revision)));
  }

  /** Registers {@code request}: a new definition, or a new revision of an existing one. */
  public Mono<Registered> register(RegisterJobDefinitionRequest request) {
    return AwsCalls.call(
            "AWS Batch RegisterJobDefinition", () -> client.registerJobDefinition(request))
        .map(r -> new Registered(r.jobDefinitionName(), r.revision(), r.jobDefinitionArn()));
  }

  /** Submits {@code request} and returns the new job's id. */
  public Mono<SubmitJobResponse> submit(SubmitJobRequest request) {
    return AwsCalls.call("AWS Batch SubmitJob", () -> client.submitJob(request));
  }

  /** The jobs with these ids that Batch still knows (it forgets them after about a week). */
  public Mono<List<JobDetail>> describe(List<String> jobIds) {
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < jobIds.size(); i += DESCRIBE_LIMIT) {
      chunks.add(jobIds.subList(i, Math.min(jobIds.size(), i + DESCRIBE_LIMIT)));
    }
    return Flux.fromIterable(chunks)
        .concatMap(
            ids ->
                AwsCalls.call(
                    "AWS Batch DescribeJobs",
                    () -> client.describeJobs(DescribeJobsRequest.builder().jobs(ids).build())))
        .concatMapIterable(r -> r.jobs())
        .collectList();
  }
}
