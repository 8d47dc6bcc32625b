package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.MotoServer;
import pitr.metrics.Meter;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * {@code copy-back --metrics cloudwatch}: the meters reach CloudWatch (moto_server, behind {@link
 * CloudWatchBridge}) and read back through the SDK's CloudWatch client; an unreachable CloudWatch
 * costs a warning, never the copy.
 */
class CopyBackCloudWatchTest extends CopyBackFixture {
  @Test
  void copyBack_withMetricsCloudwatch_publishesEveryMeterAndTheTotalsAddUp() throws Exception {
    assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    tables.recoveryAndLive(1000);
    Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    try (MotoServer moto = MotoServer.start(state);
        CloudWatchBridge bridge = CloudWatchBridge.to(moto.endpoint());
        CloudWatchAsyncClient cloudWatch = client(bridge)) {
      // 1,000 one-unit items at 2,000 WCU/s take half a second: a few publishes 100 ms apart, and
      // the final one.
      int exit =
          tables.copy(
              "--max-wcu",
              "2000",
              "--segments",
              "1",
              "--metrics",
              "cloudwatch",
              "--metrics-endpoint-url",
              bridge.endpoint().toString(),
              "--metrics-namespace",
              "pitr-test",
              "--progress-interval",
              "100ms");
      assertThat(exit).as(cli.last.err()).isZero();
      assertThat(cli.last.err()).doesNotContain("warning");
      tables.assertIdentical();

      List<Metric> metrics = cloudWatch.listMetrics(r -> r.namespace("pitr-test")).join().metrics();
      assertThat(metrics.stream().map(Metric::metricName).collect(Collectors.toSet()))
          .isEqualTo(Arrays.stream(Meter.values()).map(Meter::id).collect(Collectors.toSet()));
      assertThat(metrics)
          .allSatisfy(
              m ->
                  assertThat(m.dimensions())
                      .containsExactly(
                          Dimension.builder().name("command").value("copy-back").build()));

      Map<String, Double> sums =
          read(cloudWatch, start, "Sum", Meter.ITEMS_READ, Meter.ITEMS_WRITTEN, Meter.WCU_CONSUMED);
      assertThat(sums)
          .containsEntry(Meter.ITEMS_READ.id(), 1000.0)
          .containsEntry(Meter.ITEMS_WRITTEN.id(), 1000.0)
          .containsEntry(Meter.WCU_CONSUMED.id(), 1000.0)
          .hasSize(3);
      // One segment, one scan page (about 130 KB): 40 batches of 25, each timed once.
      assertThat(read(cloudWatch, start, "SampleCount", Meter.BATCH_LATENCY))
          .containsEntry(Meter.BATCH_LATENCY.id(), 40.0);
    }
  }

  @Test
  void copyBack_whenCloudWatchCannotBeReached_warnsOnceAndCopiesEverything() throws Exception {
    tables.recoveryAndLive(500);
    int closedPort = LocalTarget.freePort();
    int exit =
        tables.copy(
            "--max-wcu",
            "1000",
            "--metrics",
            "cloudwatch",
            "--metrics-endpoint-url",
            "http://127.0.0.1:" + closedPort,
            "--progress-interval",
            "100ms");
    assertThat(exit).as(cli.last.err()).isZero();
    tables.assertIdentical();
    String err = cli.last.err();
    assertThat(err.split("warning: ", -1)).hasSize(2);
    assertThat(err)
        .contains(
            "warning: metrics could not be published to CloudWatch at http://127.0.0.1:"
                + closedPort
                + " (")
        .contains(
            "); the command goes on and tries again every step. Check --metrics-endpoint-url,"
                + " the region, the credentials and the cloudwatch:PutMetricData permission\n")
        .contains("summary command=copy-back items_read=500 items_written=500");
  }

  @Test
  void copyBack_withMetricsEmf_printsEmbeddedMetricRecordsEndingWithTheTotals() throws Exception {
    tables.recoveryAndLive(100);
    int exit = tables.copy("--metrics", "emf", "--metrics-namespace", "pitr-test");
    assertThat(exit).as(cli.last.err()).isZero();
    String last =
        cli.last.err().lines().filter(l -> l.startsWith("{\"_aws\"")).reduce((a, b) -> b).get();
    var record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(last);
    assertThat(record.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("pitr-test");
    assertThat(record.get("command").asText()).isEqualTo("copy-back");
    assertThat(record.get(Meter.ITEMS_WRITTEN.id()).asDouble()).isEqualTo(100);
  }

  @Test
  void copyBack_withMetricsEndpointThatIsNoUrl_exitsTwoAndWritesNothing() {
    tables.recoveryAndLive(10);
    int exit = tables.copy("--metrics", "cloudwatch", "--metrics-endpoint-url", "localhost:5000");
    assertThat(exit).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --metrics-endpoint-url localhost:5000 is not an http(s) URL; pass one like"
                + " http://127.0.0.1:5000\n");
    tables.assertLiveStillBad();
  }

  private static CloudWatchAsyncClient client(CloudWatchBridge bridge) {
    return CloudWatchAsyncClient.builder()
        .httpClientBuilder(TestHttp.netty())
        .endpointOverride(bridge.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  /** One statistic of each meter over the run's minutes, summed over the datapoints returned. */
  private static Map<String, Double> read(
      CloudWatchAsyncClient cloudWatch, Instant start, String stat, Meter... meters) {
    Dimension command = Dimension.builder().name("command").value("copy-back").build();
    List<MetricDataQuery> queries =
        Arrays.stream(meters)
            .map(
                m ->
                    MetricDataQuery.builder()
                        .id("m" + m.ordinal())
                        .label(m.id())
                        .metricStat(
                            s ->
                                s.metric(
                                        x ->
                                            x.namespace("pitr-test")
                                                .metricName(m.id())
                                                .dimensions(command))
                                    .period(60)
                                    .stat(stat))
                        .build())
            .toList();
    List<MetricDataResult> results =
        cloudWatch
            .getMetricData(
                r ->
                    r.metricDataQueries(queries)
                        .startTime(start.minus(5, ChronoUnit.MINUTES))
                        .endTime(Instant.now().plus(5, ChronoUnit.MINUTES)))
            .join()
            .metricDataResults();
    Map<String, Double> out = new HashMap<>();
    for (MetricDataResult r : results) {
      out.put(r.label(), r.values().stream().mapToDouble(Double::doubleValue).sum());
    }
    return out;
  }
}
