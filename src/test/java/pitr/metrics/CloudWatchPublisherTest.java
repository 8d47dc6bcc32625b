package pitr.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;

class CloudWatchPublisherTest {
  /** CloudWatch at the edge: records what it is sent, failing while {@code down}. */
  private static final class FakeCloudWatch implements CloudWatchAsyncClient {
    final List<PutMetricDataRequest> received = new ArrayList<>();
    boolean down;

    @Override
    public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest r) {
      if (down) {
        return CompletableFuture.failedFuture(
            SdkClientException.create("Unable to execute HTTP request: Connection refused"));
      }
      received.add(r);
      return CompletableFuture.completedFuture(PutMetricDataResponse.builder().build());
    }

    double sum(Meter meter) {
      return received.stream()
          .flatMap(r -> r.metricData().stream())
          .filter(d -> d.metricName().equals(meter.id()))
          .mapToDouble(d -> d.value() != null ? d.value() : d.statisticValues().sampleCount())
          .sum();
    }

    @Override
    public String serviceName() {
      return "cloudwatch";
    }

    @Override
    public void close() {}
  }

  private final FakeCloudWatch cloudWatch = new FakeCloudWatch();
  private final CopyMeters meters = CopyMeters.inMemory();
  private final StringWriter err = new StringWriter();
  private final CloudWatchPublisher publisher =
      new CloudWatchPublisher(
          cloudWatch,
          "pitr",
          "copy-back",
          "CloudWatch at http://127.0.0.1:1",
          meters,
          new PrintWriter(err, true),
          Clock.fixed(Instant.parse("2026-11-30T03:00:00Z"), ZoneOffset.UTC),
          Duration.ofSeconds(1));

  @Test
  void publish_sendsCountersAsWhatTheyCountedSinceTheLastPublish() {
    meters.add(Meter.ITEMS_WRITTEN, 100);
    meters.batchLatency(Duration.ofMillis(30));
    assertThat(publisher.publish()).isTrue();
    meters.add(Meter.ITEMS_WRITTEN, 50);
    assertThat(publisher.publish()).isTrue();

    assertThat(cloudWatch.received).hasSize(2);
    assertThat(cloudWatch.received.get(1).metricData())
        .filteredOn(d -> d.metricName().equals("pitr.items.written"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.value()).isEqualTo(50.0);
              assertThat(d.unitAsString()).isEqualTo("Count");
              assertThat(d.dimensions().get(0).value()).isEqualTo("copy-back");
            });
    assertThat(cloudWatch.sum(Meter.ITEMS_WRITTEN)).isEqualTo(150);
    // The latency of the one batch went out once, in the first request.
    assertThat(cloudWatch.sum(Meter.BATCH_LATENCY)).isEqualTo(1);
  }

  @Test
  void publish_afterAnOutage_sendsWhatTheFailedPublishCarriedAndWarnsOnce() {
    cloudWatch.down = true;
    meters.add(Meter.ITEMS_WRITTEN, 100);
    meters.batchLatency(Duration.ofMillis(30));
    assertThat(publisher.publish()).isFalse();
    meters.add(Meter.ITEMS_WRITTEN, 20);
    assertThat(publisher.publish()).isFalse();
    cloudWatch.down = false;
    meters.batchLatency(Duration.ofMillis(10));
    assertThat(publisher.publish()).isTrue();

    assertThat(cloudWatch.sum(Meter.ITEMS_WRITTEN)).isEqualTo(120);
    assertThat(cloudWatch.sum(Meter.BATCH_LATENCY)).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "warning: metrics could not be published to CloudWatch at http://127.0.0.1:1 (Unable"
                + " to execute HTTP request: Connection refused); the command goes on and tries"
                + " again every step. Check --metrics-endpoint-url, the region, the credentials and"
                + " the cloudwatch:PutMetricData permission\n");
  }

  @Test
  void batches_keepEachRequestWithin1000DatumsAndTheSizeLimit() {
    List<MetricDatum> small =
        IntStream.range(0, 2500).mapToObj(i -> datum("m" + i, "copy-back")).toList();
    List<List<MetricDatum>> byCount =
        CloudWatchPublisher.batches(
            small,
            CloudWatchPublisher::size,
            CloudWatchPublisher.MAX_DATUMS,
            CloudWatchPublisher.MAX_BYTES);
    assertThat(byCount).extracting(List::size).containsExactly(1000, 1000, 500);

    List<MetricDatum> big =
        IntStream.range(0, 2500).mapToObj(i -> datum("m" + i, "x".repeat(1000))).toList();
    List<List<MetricDatum>> bySize =
        CloudWatchPublisher.batches(
            big,
            CloudWatchPublisher::size,
            CloudWatchPublisher.MAX_DATUMS,
            CloudWatchPublisher.MAX_BYTES);
    assertThat(bySize).hasSizeGreaterThan(3);
    assertThat(bySize)
        .allSatisfy(
            b ->
                assertThat(b.stream().mapToLong(CloudWatchPublisher::size).sum())
                    .isLessThanOrEqualTo(CloudWatchPublisher.MAX_BYTES));
    assertThat(bySize.stream().flatMap(List::stream).toList()).isEqualTo(big);
  }

  private static MetricDatum datum(String name, String command) {
    return MetricDatum.builder()
        .metricName(name)
        .dimensions(d -> d.name("command").value(command))
        .value(1.0)
        .build();
  }
}
