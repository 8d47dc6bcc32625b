package pitr.dynamo;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * One page of a scan segment, with the positions needed to resume after it.
 *
 * @param segment the segment this page belongs to
 * @param start the ExclusiveStartKey the page was read from; null for the first page
 * @param next the LastEvaluatedKey to resume from after this page; null when the segment is done
 * @param items the items on the page (after any filter)
 * @param scanned items read before filtering
 * @param readUnits read units the page consumed, as reported (0 when not reported)
 */
public record ScanPage(
    int segment,
    Map<String, AttributeValue> start,
    Map<String, AttributeValue> next,
    List<Map<String, AttributeValue>> items,
    int scanned,
    double readUnits) {

  /** True when no page follows this one in its segment. */
  public boolean last() {
    return next == null;
  }

  /** The page a scan answered with, read from {@code from} in {@code segment}. */
  static ScanPage of(int segment, Map<String, AttributeValue> from, ScanResponse r) {
    Map<String, AttributeValue> next =
        r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    double units =
        r.consumedCapacity() == null || r.consumedCapacity().capacityUnits() == null
            ? 0
            : r.consumedCapacity().capacityUnits();
    return new ScanPage(
        segment,
        from,
        next,
        r.hasItems() ? r.items() : List.of(),
        r.scannedCount() == null ? 0 : r.scannedCount(),
        units);
  }
}
