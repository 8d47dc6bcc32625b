package pitr.local.export;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One line of an export's data files. A full export's line is the item ({@code newImage}) alone; an
 * incremental export's line names the key, the last write in the window and the item's images at
 * the window's start ({@code oldImage}) and end ({@code newImage}), each null when the item did not
 * exist then (or, for the old image, when the view is NEW_IMAGE).
 *
 * @param keys the item's key attributes
 * @param oldImage the image at ExportFromTime, or null
 * @param newImage the image at ExportToTime (for a full export, at ExportTime), or null
 * @param writeMicros when the item was last written in the window, microseconds since the epoch
 */
public record ExportedItem(
    Map<String, AttributeValue> keys,
    Map<String, AttributeValue> oldImage,
    Map<String, AttributeValue> newImage,
    long writeMicros) {

  /** A full export's line. */
  public static ExportedItem item(Map<String, AttributeValue> image) {
    return new ExportedItem(null, null, image, 0);
  }
}
