package pitr.copy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanPage;
import pitr.dynamo.ScanSpec;
import pitr.files.SealedLines;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The items of a copy's target that its source does not have ({@code --delete-extra}), found before
 * the copy so the operator is told how many will be deleted: a scan of the target's keys in this
 * worker's segments, each looked up in the source. Their keys go to a sealed file, and only those
 * keys are deleted after the copy, each looked up again: an item written to the target in the
 * meantime is not among them, and one the source has by then is kept.
 */
final class ExtraItems {
  private static final String WHAT = "Extra-keys file";

  private final DynamoDbGateway gateway;
  private final KeyLookup lookup;

  ExtraItems(DynamoDbGateway gateway, KeyLookup lookup) {
    this.gateway = gateway;
    this.lookup = lookup;
  }

  /** Where a run keeps the keys it found extra: beside its failure file. */
  static Path file(CopyRequest r) {
    return r.failureFile()
        .toAbsolutePath()
        .resolveSibling(
            "extra-keys-"
                + r.runId()
                + "-"
                + r.worker().index()
                + "-of-"
                + r.worker().count()
                + ".jsonl");
  }

  /**
   * Counts the extra items; with a {@code file}, also writes their keys into it, sealed.
   *
   * @return how many there are
   */
  Mono<Long> collect(CopyRequest r, KeySchema schema, int segments, Path file) {
    Flux<Map<String, AttributeValue>> keys = find(r, schema, segments);
    if (file == null) {
      return keys.count();
    }
    return Mono.fromCallable(
            () -> {
              long[] n = {0};
              SealedLines.write(
                  file,
                  sink -> {
                    try (Stream<Map<String, AttributeValue>> found = keys.toStream(256)) {
                      for (Map<String, AttributeValue> key :
                          (Iterable<Map<String, AttributeValue>>) found::iterator) {
                        sink.line(KeySpill.keyText(schema, key));
                        n[0]++;
                      }
                    }
                  });
              return n[0];
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** The keys of {@code file} (see {@link #collect}) that the source still does not have. */
  Flux<Map<String, AttributeValue>> stillMissing(CopyRequest r, KeySchema schema, Path file) {
    return Flux.using(
            () ->
                SealedLines.lines(file, WHAT, "run the copy again: it finds the extra items again"),
            Flux::fromStream,
            Stream::close)
        .subscribeOn(Schedulers.boundedElastic())
        .map(line -> schema.keyOf(ItemJson.read(line)))
        .buffer(100)
        .concatMap(keys -> lookup.missingFrom(r.source(), keys, schema));
  }

  private Flux<Map<String, AttributeValue>> find(CopyRequest r, KeySchema schema, int segments) {
    ScanSpec spec =
        ScanSpec.of(r.target(), segments)
            .withProjection(KeyLookup.keyProjection(schema), KeyLookup.keyNames(schema));
    List<Integer> mine = new ArrayList<>();
    for (int s = 0; s < segments; s++) {
      if (r.worker().owns(s)) {
        mine.add(s);
      }
    }
    return Flux.fromIterable(mine)
        .flatMap(
            s ->
                gateway
                    .scanSegment(spec, s, null)
                    .concatMapIterable(ScanPage::items)
                    .buffer(100)
                    .concatMap(keys -> lookup.missingFrom(r.source(), keys, schema)),
            Math.max(1, Math.min(mine.size(), r.throughput().concurrency())));
  }
}
