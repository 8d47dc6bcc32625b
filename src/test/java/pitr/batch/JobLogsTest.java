package pitr.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.TestHttp;
import pitr.dynamo.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.model.AttemptContainerDetail;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.ContainerDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.LogConfiguration;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsAsyncClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

class JobLogsTest {
  @TempDir static Path dir;
  private static MotoServer moto;
  private static CloudWatchLogsAsyncClient client;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    moto = MotoServer.start(dir);
    client =
        CloudWatchLogsAsyncClient.builder()
            .httpClientBuilder(TestHttp.netty())
            .endpointOverride(moto.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    client.createLogGroup(r -> r.logGroupName("/aws/batch/job")).join();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static void put(String stream, int from, int to) {
    long now = Instant.now().toEpochMilli();
    client
        .putLogEvents(
            r ->
                r.logGroupName("/aws/batch/job")
                    .logStreamName(stream)
                    .logEvents(
                        IntStream.range(from, to)
                            .mapToObj(
                                i ->
                                    InputLogEvent.builder()
                                        .timestamp(now + i)
                                        .message("event=" + i)
                                        .build())
                            .toList()))
        .join();
  }

  @Test
  void all_readsTheStreamsEventsOldestFirst() {
    client
        .createLogStream(r -> r.logGroupName("/aws/batch/job").logStreamName("pitr/default/a1"))
        .join();
    put("pitr/default/a1", 0, 5);

    List<String> messages =
        new JobLogs(client)
            .all(new JobLogs.Stream("/aws/batch/job", "pitr/default/a1"))
            .map(OutputLogEvent::message)
            .collectList()
            .block();

    assertThat(messages).containsExactly("event=0", "event=1", "event=2", "event=3", "event=4");
  }

  @Test
  void pages_fromTheLastToken_returnOnlyWhatIsNew() {
    client
        .createLogStream(r -> r.logGroupName("/aws/batch/job").logStreamName("pitr/default/b2"))
        .join();
    put("pitr/default/b2", 0, 2);
    JobLogs logs = new JobLogs(client);
    JobLogs.Stream stream = new JobLogs.Stream("/aws/batch/job", "pitr/default/b2");
    List<JobLogs.Page> first = logs.pages(stream, null).collectList().block();
    String token = first.get(first.size() - 1).next();

    put("pitr/default/b2", 2, 4);
    List<String> next =
        logs.pages(stream, token)
            .concatMapIterable(JobLogs.Page::events)
            .map(OutputLogEvent::message)
            .collectList()
            .block();

    assertThat(next).containsExactly("event=2", "event=3");
  }

  @Test
  void streams_areEachAttemptsThenTheCurrentOne_inTheJobsLogGroup() {
    JobDetail job =
        JobDetail.builder()
            .jobId("j")
            .attempts(
                AttemptDetail.builder()
                    .container(
                        AttemptContainerDetail.builder().logStreamName("pitr/default/t1").build())
                    .build())
            .container(
                ContainerDetail.builder()
                    .logStreamName("pitr/default/t2")
                    .logConfiguration(
                        LogConfiguration.builder()
                            .logDriver("awslogs")
                            .options(Map.of("awslogs-group", "/pitr/jobs"))
                            .build())
                    .build())
            .build();

    assertThat(JobLogs.streams(job))
        .containsExactly(
            new JobLogs.Stream("/pitr/jobs", "pitr/default/t1"),
            new JobLogs.Stream("/pitr/jobs", "pitr/default/t2"));
  }

  @Test
  void streams_ofAJobThatNeverStarted_areNone() {
    assertThat(JobLogs.streams(JobDetail.builder().jobId("j").build())).isEmpty();
  }
}
