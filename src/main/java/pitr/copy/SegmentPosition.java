package pitr.copy;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How far a segment has been copied: every page before {@code resumeAfter} is fully written.
 *
 * @param segment the segment
 * @param resumeAfter the key to resume after, or null to start at the beginning
 * @param done true when the whole segment is written
 */
public record SegmentPosition(int segment, Map<String, AttributeValue> resumeAfter, boolean done) {
  static SegmentPosition start(int segment) {
    return new SegmentPosition(segment, null, false);
  }
}
