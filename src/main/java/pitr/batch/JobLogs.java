package pitr.batch;

import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsAsyncClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/**
 * A Batch job's container logs in CloudWatch Logs: where they are (from DescribeJobs) and their
 * events, oldest first. Every CloudWatch Logs call pitr makes is here; the client is the caller's
 * to close.
 */
public final class JobLogs {
  private final CloudWatchLogsAsyncClient client;

  public JobLogs(CloudWatchLogsAsyncClient client) {
    this.client = client;
  }

  /**
   * One log stream of a job.
   *
   * @param group the log group
   * @param stream the log stream
   */
  public record Stream(String group, String stream) {}

  /**
   * A page of events.
   *
   * @param events the events, oldest first
   * @param asked the token this page was read from (null for the start)
   * @param next the token to read on from
   */
  public record Page(List<OutputLogEvent> events, String asked, String next) {
    /** True when a read from {@link #next} would return nothing new for now. */
    boolean last() {
      return events.isEmpty() || next == null || next.equals(asked);
    }
  }

  /**
   * The log streams of {@code job}, one per attempt that started a container, oldest first: the
   * attempts' {@code container.logStreamName}, then the current one if no attempt has it yet. The
   * group is the job's {@code awslogs-group} option, else Batch's default {@code /aws/batch/job}.
   */
  public static List<Stream> streams(JobDetail job) {
    String group = JobDefinitions.LOG_GROUP;
    if (job.container() != null
        && job.container().logConfiguration() != null
        && job.container().logConfiguration().options().get("awslogs-group") != null) {
      group = job.container().logConfiguration().options().get("awslogs-group");
    }
    List<String> names = new ArrayList<>();
    for (AttemptDetail a : job.attempts()) {
      if (a.container() != null && a.container().logStreamName() != null) {
        names.add(a.container().logStreamName());
      }
    }
    if (job.container() != null
        && job.container().logStreamName() != null
        && !names.contains(job.container().logStreamName())) {
      names.add(job.container().logStreamName());
    }
    List<Stream> streams = new ArrayList<>();
    for (String n : names) {
      streams.add(new Stream(group, n));
    }
    return streams;
  }

  /**
   * The events of {@code stream} after {@code token} (from the start when null), page by page,
   * until CloudWatch Logs has nothing new (it returns the token it was given); the last page's
   * {@link Page#next()} is where to read on from when following.
   */
  public Flux<Page> pages(Stream stream, String token) {
    return page(stream, token).expand(p -> p.last() ? Mono.empty() : page(stream, p.next()));
  }

  /** All events of the stream so far, oldest first. */
  public Flux<OutputLogEvent> all(Stream stream) {
    return pages(stream, null).concatMapIterable(Page::events);
  }

  private Mono<Page> page(Stream stream, String token) {
    GetLogEventsRequest.Builder b =
        GetLogEventsRequest.builder()
            .logGroupName(stream.group())
            .logStreamName(stream.stream())
            .startFromHead(true);
    if (token != null) {
      b.nextToken(token);
    }
    return AwsCalls.call("CloudWatch Logs GetLogEvents", () -> client.getLogEvents(b.build()))
        .map(r -> new Page(r.events(), token, r.nextForwardToken()));
  }
}
