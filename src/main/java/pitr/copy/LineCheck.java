package pitr.copy;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A checksum on each line of a file pitr appends to or writes in pieces (failure files, spill
 * files), so that a line cut short by a killed writer or edited afterwards is told apart from one
 * pitr wrote: the CRC-32C of the line's text, as eight hex digits. A JSON object carries it as its
 * last field, {@code "check"}, so the line stays JSON; other lines carry it after a tab. The count
 * of lines is kept elsewhere (in the run's checkpoints, or a sealed manifest), so that a file cut
 * at a line boundary is caught too.
 */
final class LineCheck {
  private static final String JSON_FIELD = ",\"check\":\"";
  private static final int HEX = 8;
  private static final int JSON_SUFFIX = JSON_FIELD.length() + HEX + 2;

  /** What reading a line's check found. */
  enum Status {
    /** The line carries a check and matches it. */
    VALID,
    /** The line carries no check: written by hand or by an older pitr. */
    ABSENT,
    /** The line carries a check that does not match: cut short or edited. */
    BAD
  }

  /** A line with its check taken off, and what the check said. */
  record Read(String text, Status status) {}

  private LineCheck() {}

  static String crc(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  /** {@code object} (a JSON object with at least one field) with its check as the last field. */
  static String json(String object) {
    if (!object.endsWith("}") || object.length() < 3) {
      throw new IllegalArgumentException("not a JSON object with fields: " + object);
    }
    return object.substring(0, object.length() - 1) + JSON_FIELD + crc(object) + "\"}";
  }

  /** Reads a line written by {@link #json}: the object without its check. */
  static Read readJson(String line) {
    int at = line.length() - JSON_SUFFIX;
    if (at < 1 || !line.startsWith(JSON_FIELD, at) || !line.endsWith("\"}")) {
      return new Read(line, Status.ABSENT);
    }
    String object = line.substring(0, at) + "}";
    String check = line.substring(at + JSON_FIELD.length(), line.length() - 2);
    return new Read(object, crc(object).equals(check) ? Status.VALID : Status.BAD);
  }

  /** {@code text} (without tabs at its end) with a tab and its check after it. */
  static String tabbed(String text) {
    return text + "\t" + crc(text);
  }

  /** Reads a line written by {@link #tabbed}: the text without its check. */
  static Read readTabbed(String line) {
    int tab = line.length() - HEX - 1;
    if (tab < 0 || line.charAt(tab) != '\t') {
      return new Read(line, Status.ABSENT);
    }
    String text = line.substring(0, tab);
    return new Read(text, crc(text).equals(line.substring(tab + 1)) ? Status.VALID : Status.BAD);
  }
}
