package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import pitr.dynamo.LocalTarget;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The engine's {@code --data-dir} store killed at random points while acknowledged writes stream
 * in: every acknowledged write survives the restart (see {@link CrashAndFaultFixture}).
 */
@Tag("chaos")
class CrashAndFaultEngineTest extends CrashAndFaultFixture {
  @Test
  void engineWithDataDir_killedAtRandomPoints_keepsEveryAcknowledgedWrite() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("engine", trial);
      Path data = dir.resolve("engine-" + trial);
      int port = LocalTarget.freePort();
      Child server = serve(data, port);
      Map<String, String> acknowledged = new HashMap<>();
      long killAt = 20 + r.nextInt(300);
      try (DynamoDbAsyncClient client = LocalTarget.client(URI.create(server.endpoint(port)))) {
        client
            .createTable(
                t ->
                    t.tableName("acks")
                        .billingMode("PAY_PER_REQUEST")
                        .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                        .keySchema(k -> k.attributeName("pk").keyType("HASH")))
            .join();
        int i = 0;
        while (i < killAt) {
          String pk = "k" + (i % 150);
          String v = "v" + i;
          if (i % 10 == 9) {
            List<WriteRequest> batch = new ArrayList<>();
            Map<String, String> sent = new HashMap<>();
            for (int j = 0; j < 25; j++) {
              String bk = "b" + ((i * 25 + j) % 400);
              sent.put(bk, v);
              batch.add(
                  WriteRequest.builder()
                      .putRequest(
                          p ->
                              p.item(
                                  Map.of(
                                      "pk", AttributeValue.fromS(bk),
                                      "v", AttributeValue.fromS(v))))
                      .build());
            }
            var out = client.batchWriteItem(b -> b.requestItems(Map.of("acks", batch))).join();
            // Keys left unprocessed keep their old value; the others took the new one.
            for (var left : out.unprocessedItems().getOrDefault("acks", List.of())) {
              sent.remove(left.putRequest().item().get("pk").s());
            }
            acknowledged.putAll(sent);
          } else {
            client
                .putItem(
                    p ->
                        p.tableName("acks")
                            .item(
                                Map.of(
                                    "pk", AttributeValue.fromS(pk),
                                    "v", AttributeValue.fromS(v))))
                .join();
            acknowledged.put(pk, v);
          }
          i++;
        }
        // The last write is sent and the server killed while it may still be in flight.
        client.putItem(
            p ->
                p.tableName("acks")
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS("in-flight"),
                            "v", AttributeValue.fromS("maybe"))));
        server.kill();
      }

      Child again = serve(data, port);
      long lost = 0;
      try (DynamoDbAsyncClient client = LocalTarget.client(URI.create(again.endpoint(port)))) {
        Map<String, String> found = new HashMap<>();
        client
            .scanPaginator(s -> s.tableName("acks").consistentRead(true))
            .items()
            .subscribe(item -> found.put(item.get("pk").s(), item.get("v").s()))
            .join();
        for (var e : acknowledged.entrySet()) {
          if (!e.getValue().equals(found.get(e.getKey()))) {
            lost++;
          }
        }
        found.remove("in-flight");
        assertThat(found.keySet())
            .as(replay("engine", trial) + ": no item that was never written")
            .isSubsetOf(acknowledged.keySet());
      } finally {
        again.kill();
      }
      summarize(
          String.format(
              "engine --data-dir trial %d: killed after %d acknowledged requests; acknowledged"
                  + " items %d, lost %d",
              trial, killAt, acknowledged.size(), lost));
      assertThat(lost).as(replay("engine", trial)).isZero();
    }
  }
}
