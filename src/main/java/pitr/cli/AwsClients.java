package pitr.cli;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.services.batch.BatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.scheduler.SchedulerAsyncClient;

/**
 * The one factory of the AWS clients other than DynamoDB's (Batch, EventBridge Scheduler,
 * CloudWatch Logs, CloudWatch, S3), with the region, credentials and profile of the {@link
 * TargetOptions} conventions. Each client's endpoint is, in order: an explicit one (e.g. {@code
 * --metrics-endpoint-url}), the service's own variable ({@code AWS_ENDPOINT_URL_BATCH}, {@code
 * AWS_ENDPOINT_URL_SCHEDULER}, {@code AWS_ENDPOINT_URL_CLOUDWATCH_LOGS}, {@code
 * AWS_ENDPOINT_URL_CLOUDWATCH}, {@code AWS_ENDPOINT_URL_S3}), {@code AWS_ENDPOINT_URL}, else AWS;
 * so each service can be pointed at an emulator on its own. A loopback endpoint needs no AWS setup
 * (region us-east-1 and dummy credentials when none are configured). {@code --endpoint-url} is
 * DynamoDB's alone.
 */
final class AwsClients {
  private final TargetOptions target;

  AwsClients(TargetOptions target) {
    this.target = target;
  }

  /** An AWS Batch client; the caller closes it. */
  BatchAsyncClient batch() {
    return build(BatchAsyncClient.builder(), ServiceEndpoints.BATCH, null);
  }

  /** An EventBridge Scheduler client; the caller closes it. */
  SchedulerAsyncClient scheduler() {
    return build(SchedulerAsyncClient.builder(), ServiceEndpoints.SCHEDULER, null);
  }

  /** A CloudWatch Logs client; the caller closes it. */
  CloudWatchLogsAsyncClient logs() {
    return build(CloudWatchLogsAsyncClient.builder(), ServiceEndpoints.CLOUDWATCH_LOGS, null);
  }

  /**
   * An S3 client (exports are read through it); path-style addressing when an endpoint is
   * configured, as emulators such as moto_server and LocalStack need. The caller closes it.
   */
  S3AsyncClient s3() {
    S3AsyncClientBuilder builder = S3AsyncClient.builder();
    if (endpoint(ServiceEndpoints.S3, null) != null) {
      builder.forcePathStyle(true);
    }
    return build(builder, ServiceEndpoints.S3, null);
  }

  /** A CloudWatch client at {@code endpoint} when given, else as the variables say. */
  CloudWatchAsyncClient cloudWatch(URI endpoint) {
    return build(CloudWatchAsyncClient.builder(), ServiceEndpoints.CLOUDWATCH, endpoint);
  }

  /** The endpoint a client of {@code serviceId} is sent to, or null for AWS. */
  URI endpoint(String serviceId, URI explicit) {
    if (explicit != null) {
      return explicit;
    }
    return ServiceEndpoints.configured(serviceId, target.env)
        .map(c -> TargetOptions.httpUrl(c.variable(), c.url(), "http://127.0.0.1:5000"))
        .orElse(null);
  }

  private <B extends AwsClientBuilder<B, C> & AwsAsyncClientBuilder<B, C>, C> C build(
      B builder, String serviceId, URI explicit) {
    // Short connection waits: after a refused connection the pool can otherwise hang a call for
    // its 10 s acquisition timeout.
    builder.httpClientBuilder(
        EventLoops.netty()
            .connectionTimeout(Duration.ofSeconds(2))
            .connectionAcquisitionTimeout(Duration.ofSeconds(2)));
    URI endpoint = endpoint(serviceId, explicit);
    boolean loopback = false;
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
      loopback = TargetOptions.isLoopback(endpoint.getHost());
    }
    if (target.profile != null) {
      TargetChecks.profileExists(target.profile);
    }
    builder.region(target.region(loopback));
    builder.credentialsProvider(loopback ? target.loopbackCredentials() : target.credentials());
    return builder.build();
  }
}
