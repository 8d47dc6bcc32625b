package pitr.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pitr.dynamo.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEState;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentOrder;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * moto_server with what the Batch commands need: a job queue (on an unmanaged compute environment),
 * and synchronous clients to read back what a command did. Commands reach it through the endpoint
 * variables in {@link #env()}.
 */
final class MotoBatch implements AutoCloseable {
  static final String ROLE = "arn:aws:iam::123456789012:role/pitr-job";
  static final String SCHEDULE_ROLE = "arn:aws:iam::123456789012:role/pitr-scheduler";

  final MotoServer moto;
  final BatchClient batch;
  final SchedulerClient scheduler;
  final CloudWatchLogsClient logs;
  final S3Client s3;
  private int names;

  private MotoBatch(MotoServer moto) {
    this.moto = moto;
    s3 =
        S3Client.builder()
            .endpointOverride(moto.endpoint())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    URI endpoint = moto.endpoint();
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    batch =
        BatchClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .build();
    scheduler =
        SchedulerClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .build();
    logs =
        CloudWatchLogsClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .build();
  }

  static MotoBatch start(Path dir) throws Exception {
    MotoBatch m = new MotoBatch(MotoServer.start(dir));
    m.createRole("pitr-job");
    return m;
  }

  /** Creates IAM role {@code name} with moto's IAM query API (moto checks no signature). */
  private void createRole(String name) throws Exception {
    String form =
        "Action=CreateRole&Version=2010-05-08&RoleName="
            + name
            + "&AssumeRolePolicyDocument="
            + URLEncoder.encode("{\"Version\":\"2012-10-17\",\"Statement\":[]}", UTF_8);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(moto.endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request,"
                            + " SignedHeaders=host, Signature=0")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "moto CreateRole answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** The endpoint variables that send Batch, Scheduler, CloudWatch Logs and S3 calls to moto. */
  Map<String, String> env() {
    String url = moto.endpoint().toString();
    return Map.of(
        "AWS_ENDPOINT_URL_BATCH", url,
        "AWS_ENDPOINT_URL_SCHEDULER", url,
        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", url,
        "AWS_ENDPOINT_URL_S3", url);
  }

  /**
   * A new in-process pitr run whose Batch, Scheduler, CloudWatch Logs and S3 calls go to this
   * moto_server, through the endpoint variables of {@link #env()}.
   */
  CliRun newRun() {
    CliRun run = new CliRun();
    run.root().target.env = env();
    return run;
  }

  /** Creates job queue {@code name} on a new unmanaged compute environment. */
  void createQueue(String name) {
    String ce =
        batch
            .createComputeEnvironment(
                r ->
                    r.computeEnvironmentName(name + "-ce")
                        .type(CEType.UNMANAGED)
                        .state(CEState.ENABLED)
                        .serviceRole(ROLE))
            .computeEnvironmentArn();
    batch.createJobQueue(
        r ->
            r.jobQueueName(name)
                .state(JQState.ENABLED)
                .priority(1)
                .computeEnvironmentOrder(
                    ComputeEnvironmentOrder.builder().order(1).computeEnvironment(ce).build()));
  }

  /** A new job queue named {@code prefix} and a number, so each test sees only its own jobs. */
  String newQueue(String prefix) {
    String name = prefix + (++names);
    createQueue(name);
    return name;
  }

  /** A new S3 bucket named {@code prefix} and a number. */
  String newBucket(String prefix) {
    String name = prefix + (++names);
    s3.createBucket(r -> r.bucket(name));
    return name;
  }

  /**
   * The jobs submitted to {@code queue}, in every state. moto lists an array job's children too;
   * they are left out: the parent is the job submitted.
   */
  List<JobDetail> submittedJobs(String queue) {
    List<String> ids = new ArrayList<>();
    for (JobStatus s : JobStatus.values()) {
      if (s != JobStatus.UNKNOWN_TO_SDK_VERSION) {
        batch
            .listJobs(r -> r.jobQueue(queue).jobStatus(s))
            .jobSummaryList()
            .forEach(j -> ids.add(j.jobId()));
      }
    }
    ids.removeIf(id -> id.contains(":"));
    return ids.isEmpty() ? List.of() : batch.describeJobs(r -> r.jobs(ids)).jobs();
  }

  @Override
  public void close() {
    batch.close();
    scheduler.close();
    logs.close();
    s3.close();
    moto.close();
  }
}
