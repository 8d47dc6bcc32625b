package pitr.local.contract;

import java.net.URI;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** A started backend with its shared client; closing it closes the client and stops the backend. */
record RunningBackend(
    String name, URI endpoint, boolean isReference, DynamoDbAsyncClient client, AutoCloseable stop)
    implements Backend, AutoCloseable {

  @Override
  public void close() throws Exception {
    try {
      client.close();
    } finally {
      stop.close();
    }
  }

  @Override
  public String toString() {
    return name + " at " + endpoint;
  }
}
