package pitr;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;

/**
 * Netty HTTP clients for the tests' AWS clients, all on one shared set of network threads. A client
 * given threads of its own (the SDK's default) waits Netty's 2 s quiet period when closed, which
 * every test that closes a client paid; shared threads are daemons that end with the JVM, so
 * closing a client only closes its connections (as the command line's own clients do).
 */
public final class TestHttp {
  private static final SdkEventLoopGroup GROUP = SdkEventLoopGroup.builder().build();

  private TestHttp() {}

  /** A Netty HTTP client builder on the shared threads. */
  public static NettyNioAsyncHttpClient.Builder netty() {
    return NettyNioAsyncHttpClient.builder().eventLoopGroup(GROUP);
  }

  /**
   * An SDK DynamoDB client builder for a local endpoint: the shared Netty threads, us-east-1, and
   * the credentials {@code test}/{@code test} (the engine checks no signature unless a test gives
   * it keys). Tests add their own retry strategy, interceptors or HTTP client before {@code
   * build()}.
   */
  public static DynamoDbAsyncClientBuilder dynamo(URI endpoint) {
    return DynamoDbAsyncClient.builder()
        .httpClientBuilder(netty())
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
  }
}
