package pitr.local;

import java.net.URI;
import pitr.TestHttp;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** An engine served over loopback HTTP with a real SDK client pointed at it, for one test class. */
final class EngineOverHttp implements AutoCloseable {
  final LocalEngine engine;
  final LocalServer server;
  final DynamoDbAsyncClient client;

  EngineOverHttp(EngineConfig config) {
    this(config, RetryMode.STANDARD);
  }

  EngineOverHttp(EngineConfig config, RetryMode retryMode) {
    engine = LocalEngine.create(config);
    server = LocalServer.start(engine, "127.0.0.1", 0);
    client = client(server.endpoint(), retryMode);
  }

  static DynamoDbAsyncClient client(URI endpoint, RetryMode retryMode) {
    return TestHttp.dynamo(endpoint)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder().retryStrategy(retryMode).build())
        .build();
  }

  @Override
  public void close() {
    client.close();
    server.close();
    engine.close();
  }
}
