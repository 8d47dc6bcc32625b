package pitr.export;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One line of an export. From an incremental export: an item written in the window, with its key,
 * its image at the window's start ({@code oldImage}, null for an insert or with the NEW_IMAGE view)
 * and at its end ({@code newImage}, null for a delete). From a full export: the item as {@code
 * newImage}, with no old image, and its key when the reader was given the key's attribute names.
 *
 * @param key the item's key attributes, or null (a full export read without key names)
 * @param oldImage the image at ExportFromTime, or null
 * @param newImage the image at ExportToTime (full export: at ExportTime), or null
 * @param writeTimestampMicros the item's last write in the window (0 for a full export)
 */
public record ExportChange(
    Map<String, AttributeValue> key,
    Map<String, AttributeValue> oldImage,
    Map<String, AttributeValue> newImage,
    long writeTimestampMicros) {

  /** What the change did in the window: INSERT, UPDATE, DELETE, or NONE (gone at both ends). */
  public Kind kind() {
    if (oldImage == null) {
      return newImage == null ? Kind.NONE : Kind.INSERT;
    }
    return newImage == null ? Kind.DELETE : Kind.UPDATE;
  }

  /** What a change did in its window. */
  public enum Kind {
    /** Absent at the start, present at the end. */
    INSERT,
    /** Present at both ends (possibly with the same image: written and written back). */
    UPDATE,
    /** Present at the start, absent at the end. */
    DELETE,
    /** Absent at both ends: created and deleted within the window. Nothing to restore. */
    NONE
  }
}
