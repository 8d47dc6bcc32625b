package pitr.copy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Spills a table to disk as one line per item, {@code key<TAB>digest}, into one of {@code
 * partitions} files ({@code dir/<p>.txt}) chosen by the hash of the key's text, so that two tables
 * spilled alike can be compared partition by partition in bounded memory. The key text is the key
 * attributes as DynamoDB JSON in name order, the same for equal keys of any table.
 */
public final class KeySpill {
  private KeySpill() {}

  /** The key of {@code item} as DynamoDB JSON with attributes in name order. */
  public static String keyText(KeySchema schema, Map<String, AttributeValue> item) {
    return ItemJson.write(new TreeMap<>(schema.keyOf(item)));
  }

  /** The partition of a key text. */
  public static int partition(String keyText, int partitions) {
    return Math.floorMod(keyText.hashCode(), partitions);
  }

  /**
   * Scans {@code spec}'s segments in parallel and writes each item's key text and {@code digest}
   * into its partition file under {@code dir}; completes when every file is closed.
   */
  public static Mono<Void> spill(
      DynamoDbGateway gateway,
      ScanSpec spec,
      KeySchema schema,
      Path dir,
      int partitions,
      Function<Map<String, AttributeValue>, String> digest) {
    return Mono.fromCallable(
            () -> {
              Files.createDirectories(dir);
              BufferedWriter[] out = new BufferedWriter[partitions];
              for (int p = 0; p < partitions; p++) {
                out[p] = Files.newBufferedWriter(dir.resolve(p + ".txt"), StandardCharsets.UTF_8);
              }
              return out;
            })
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            out ->
                Flux.range(0, spec.totalSegments())
                    .flatMap(s -> gateway.scanSegment(spec, s, null), spec.totalSegments())
                    .publishOn(Schedulers.boundedElastic())
                    .doOnNext(
                        page -> {
                          for (Map<String, AttributeValue> item : page.items()) {
                            String key = keyText(schema, item);
                            try {
                              out[partition(key, partitions)].write(
                                  key + "\t" + digest.apply(item) + "\n");
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          }
                        })
                    .then(Mono.<Void>fromRunnable(() -> close(out)))
                    .doOnError(e -> close(out)));
  }

  private static void close(BufferedWriter[] out) {
    for (BufferedWriter w : out) {
      try {
        w.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
