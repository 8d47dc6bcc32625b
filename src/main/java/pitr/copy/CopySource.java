package pitr.copy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which items a copy-back writes: a {@link Scan} of the source table (every item, or those a filter
 * matches), the {@link Keys} a keys file lists, or a {@link Replay} of a failure file.
 */
public sealed interface CopySource {

  /**
   * A parallel scan of the source table, in checkpointed segments.
   *
   * @param filter a DynamoDB filter expression on the source, or null for every item
   * @param names expression attribute names the filter uses ({@code #n} to a name)
   * @param values expression attribute values the filter uses ({@code :v} to a value)
   */
  record Scan(String filter, Map<String, String> names, Map<String, AttributeValue> values)
      implements CopySource {
    /** Every item of the source. */
    public static final Scan ALL = new Scan(null, Map.of(), Map.of());

    public Scan {
      names = names == null ? Map.of() : Map.copyOf(names);
      values = values == null ? Map.of() : Map.copyOf(values);
    }

    /** The items {@code expression} matches, with the placeholders it uses. */
    public static Scan matching(
        String expression, Map<String, String> names, Map<String, AttributeValue> values) {
      return new Scan(Objects.requireNonNull(expression, "expression"), names, values);
    }

    /** True when a filter chooses the items. */
    public boolean filtered() {
      return filter != null;
    }
  }

  /**
   * The items whose keys a {@code --keys} file lists (JSON lines), read from the source by key.
   *
   * @param file the keys file as a local file (for one in S3, the checked copy fetched)
   * @param origin what the run records of it: its address and SHA-256
   */
  record Keys(Path file, KeysOrigin origin) implements CopySource {
    public Keys {
      Objects.requireNonNull(file, "file");
      if (origin == null) {
        origin = new KeysOrigin(file.toAbsolutePath().toString(), null);
      }
    }

    /** A local keys file, recorded by its absolute path with no SHA-256. */
    public Keys(Path file) {
      this(file, null);
    }
  }

  /**
   * The records of a failure file ({@code --replay}), written again into the target; no scan and no
   * run checkpoints.
   *
   * @param file the failure file
   */
  record Replay(Path file) implements CopySource {
    public Replay {
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * The source the options name: {@code --replay}, else {@code --keys}, else a scan, filtered when
   * {@code filter} is given.
   *
   * @throws PitrException {@link ErrorCode#USAGE} for placeholders without {@code --filter}, or a
   *     filter with {@code --keys} or {@code --replay}
   */
  static CopySource of(
      Path keys,
      Path replay,
      String filter,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    boolean noValues = values == null || values.isEmpty();
    boolean noNames = names == null || names.isEmpty();
    if (filter == null && (!noValues || !noNames)) {
      throw new PitrException(
          ErrorCode.USAGE,
          (noValues ? "--filter-names" : "--filter-values")
              + " needs --filter EXPR, the filter expression that uses them");
    }
    if (filter != null && (keys != null || replay != null)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--filter chooses items of a scan, but "
              + (keys != null ? "--keys" : "--replay")
              + " copies exactly the items listed; pass one of them, not both");
    }
    if (keys != null && replay != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--replay writes again the items of a failure file and --keys copies the keys a file"
              + " lists; pass one of them, not both");
    }
    if (replay != null) {
      return new Replay(replay);
    }
    if (keys != null) {
      return new Keys(keys);
    }
    return filter == null ? Scan.ALL : Scan.matching(filter, names, values);
  }
}
