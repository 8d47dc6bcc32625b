package pitr.local.contract;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import pitr.TestHttp;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A DynamoDB-compatible service the contract tests run against, reached over HTTP with the real SDK
 * client.
 */
interface Backend {

  /** Short name shown in test display names and accepted by {@code -Dpitr.contract.backends}. */
  String name();

  /** HTTP endpoint the SDK client points at. */
  URI endpoint();

  /**
   * Whether this backend is the reference: the embedded engine, which must follow documented
   * DynamoDB behaviour everywhere, including where the other emulators fall short.
   */
  boolean isReference();

  /** The backend's shared client; callers must not close it. */
  DynamoDbAsyncClient client();

  /**
   * A new client for {@code endpoint}: Netty over HTTP, static test credentials, no retries so that
   * every service error reaches the test exactly as the backend sent it.
   */
  static DynamoDbAsyncClient newClient(URI endpoint, Region region) {
    // Service errors are never retried, so each reaches the test as the backend sent it; a
    // connection lost before any answer (a transport failure, which every SDK retries) is.
    return DynamoDbAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(region)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(
            TestHttp.netty().maxConcurrency(64).connectionTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(
            o -> o.retryStrategy(transportOnly()).apiCallTimeout(Duration.ofSeconds(60)))
        .build();
  }

  /** Retries only a connection lost before any answer, at once, at most twice. */
  private static RetryStrategy transportOnly() {
    return StandardRetryStrategy.builder()
        .maxAttempts(3)
        .retryOnException(
            e -> e instanceof SdkClientException && e.getCause() instanceof IOException)
        .backoffStrategy(BackoffStrategy.retryImmediately())
        .circuitBreakerEnabled(false)
        .build();
  }
}
