package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.filler;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.putAll;
import static pitr.local.contract.Ddb.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** Scan: filters, projections, pagination, parallel segments and the 1 MB page limit. */
class ScanContractTest {
  private static final int ITEMS = 1_000;

  /** 1,000 items keyed {@code i0000..i0999} with {@code n} their number and {@code even}. */
  private static String table(Tables tables, Backend backend) {
    return tables.shared(
        "thousand",
        hashOnly(),
        name ->
            putAll(
                backend.client(),
                name,
                IntStream.range(0, ITEMS)
                    .mapToObj(
                        i ->
                            item(
                                "pk", s(key(i)),
                                "n", n(i),
                                "even", Ddb.bool(i % 2 == 0),
                                "note", s("item " + i)))
                    .toList()));
  }

  private static String key(int i) {
    return String.format("i%04d", i);
  }

  private static List<String> allKeys() {
    return IntStream.range(0, ITEMS).mapToObj(ScanContractTest::key).toList();
  }

  /** Scans every page of {@code request} and returns the keys seen, in order. */
  private static List<String> scanAll(
      DynamoDbAsyncClient client, Consumer<ScanRequest.Builder> request, List<Integer> pageSizes) {
    List<String> keys = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> exclusiveStart = start;
      ScanResponse page =
          await(
              client.scan(
                  b -> request.andThen(r -> r.exclusiveStartKey(exclusiveStart)).accept(b)));
      page.items().forEach(i -> keys.add(i.get("pk").s()));
      pageSizes.add(page.count());
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null && pageSizes.size() < 10_000);
    return keys;
  }

  @BackendTest
  void scan_withFilterExpression_countsMatchesAndScannedItemsSeparately(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    ScanResponse response =
        await(
            backend
                .client()
                .scan(
                    b ->
                        b.tableName(table)
                            .filterExpression("even = :t AND n < :max")
                            .expressionAttributeValues(
                                Map.of(":t", Ddb.bool(true), ":max", n(10)))));

    assertThat(response.items())
        .extracting(i -> i.get("pk").s())
        .containsExactlyInAnyOrder("i0000", "i0002", "i0004", "i0006", "i0008");
    assertThat(response.count()).isEqualTo(5);
    assertThat(response.scannedCount()).isEqualTo(ITEMS);
  }

  @BackendTest
  @ReferenceOnly("moto answers a placeholder number it cannot read with a server error")
  void scan_withFilterValueThatIsNotANumber_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables, backend);

    pitr.local.contract.Ddb.assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .scan(
                            b ->
                                b.tableName(table)
                                    .filterExpression("n < :max")
                                    .expressionAttributeValues(Map.of(":max", n("three"))))))
        .contains("cannot be converted into a number");
  }

  @BackendTest
  void scan_withProjectionExpression_returnsOnlyNamedAttributes(Backend backend, Tables tables) {
    String table = table(tables, backend);

    ScanResponse response =
        await(
            backend
                .client()
                .scan(
                    b ->
                        b.tableName(table)
                            .projectionExpression("pk, #n")
                            .expressionAttributeNames(Map.of("#n", "note"))
                            .filterExpression("n = :one")
                            .expressionAttributeValues(Map.of(":one", n(1)))));

    assertThat(response.items()).containsExactly(item("pk", s("i0001"), "note", s("item 1")));
  }

  @BackendTest
  void scan_whenLimitSet_paginatesOverEveryItemOnce(Backend backend, Tables tables) {
    String table = table(tables, backend);
    List<Integer> pageSizes = new ArrayList<>();

    List<String> keys = scanAll(backend.client(), b -> b.tableName(table).limit(128), pageSizes);

    assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(allKeys());
    assertThat(pageSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(128));
    assertThat(pageSizes).hasSizeBetween(8, 9);
  }

  @BackendTest
  void scan_withSegments_coversEveryItemExactlyOnceForOneFourAndSevenSegments(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    for (int totalSegments : new int[] {1, 4, 7}) {
      List<String> keys = new ArrayList<>();
      List<Integer> nonEmptySegments = new ArrayList<>();
      for (int segment = 0; segment < totalSegments; segment++) {
        int current = segment;
        List<String> segmentKeys =
            scanAll(
                backend.client(),
                b -> b.tableName(table).segment(current).totalSegments(totalSegments),
                new ArrayList<>());
        if (!segmentKeys.isEmpty()) {
          nonEmptySegments.add(segment);
        }
        keys.addAll(segmentKeys);
      }

      assertThat(keys)
          .as("%d segments", totalSegments)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(allKeys());
      // 1,000 keys spread by hash leave no segment empty.
      assertThat(nonEmptySegments).as("%d segments", totalSegments).hasSize(totalSegments);
    }
  }

  @BackendTest
  void scan_whenTableExceedsOneMegabyte_cutsPagesAtOneMegabyte(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = tables.create(hashOnly());
    int count = 30;
    // 30 items of ~100 KB: about 3 MB.
    putAll(
        client,
        table,
        IntStream.range(0, count)
            .mapToObj(i -> item("pk", s(key(i)), "blob", s(filler(100_000))))
            .toList());
    List<Integer> pageSizes = new ArrayList<>();

    List<String> keys = scanAll(client, b -> b.tableName(table), pageSizes);

    assertThat(keys)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, count).mapToObj(ScanContractTest::key).toList());
    assertThat(pageSizes).hasSizeGreaterThanOrEqualTo(3);
    // 1 MB holds 10 whole 100 KB items; the item that crosses the limit may end the page.
    assertThat(pageSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(11));
  }
}
