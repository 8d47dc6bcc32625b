package pitr.copy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pitr.dynamo.KeySchema;

/**
 * A copy-back checked and ready to run ({@link CopyBack#plan}): nothing is written yet. It says
 * which way the copy goes, how many items {@code --delete-extra} will delete, and what the operator
 * should know about the files it reads, so the CLI can ask before anything changes.
 */
public final class CopyPlan {
  final CopyRequest request;
  final KeySchema schema;
  final int segments;
  final CopyDirection direction;
  final KeysFile.Checked keys;
  final FailureRecords.Checked replay;
  final EarlierFailures earlier;
  final long extraItems;
  final Path extraKeys;
  final TableUnits units;

  /**
   * What the tables' descriptions say they can take per second (0: no limit stated): the rate
   * limiters start no higher.
   *
   * @param sourceReads read units of the table scanned
   * @param targetWrites write units of the table written
   */
  record TableUnits(double sourceReads, double targetWrites) {}

  CopyPlan(
      CopyRequest request,
      KeySchema schema,
      int segments,
      CopyDirection direction,
      KeysFile.Checked keys,
      FailureRecords.Checked replay,
      EarlierFailures earlier,
      long extraItems,
      Path extraKeys,
      TableUnits units) {
    this.request = request;
    this.schema = schema;
    this.segments = segments;
    this.direction = direction;
    this.keys = keys;
    this.replay = replay;
    this.earlier = earlier;
    this.extraItems = extraItems;
    this.extraKeys = extraKeys;
    this.units = units;
  }

  /** The request this plan runs. */
  public CopyRequest request() {
    return request;
  }

  /** Which way the copy goes, e.g. "recovery table orders-rec → its source orders". */
  public String direction() {
    return direction.describe();
  }

  /** True when the copy goes from a recovery table into its source, the expected direction. */
  public boolean intoItsSource() {
    return direction.intoItsSource();
  }

  /**
   * How many items {@code --delete-extra} deletes: exactly, for a scan (the keys are found before
   * the copy); at most, for {@code --keys} (the listed keys the source lacks). 0 without it.
   */
  public long extraItems() {
    return extraItems;
  }

  /** True when {@link #extraItems} is an upper bound rather than a count. */
  public boolean extraItemsUpperBound() {
    return keys != null;
  }

  /** Items that earlier processes of the run could not write, which this one writes again. */
  public long earlierFailures() {
    return earlier.records();
  }

  /** The earlier failure files written again. */
  public List<Path> earlierFailureFiles() {
    return earlier.files();
  }

  /**
   * What a copy from a recovery table into its source overwrites ({@link
   * CopyDirection#overwriteNote}); null for any other copy.
   */
  public String overwriteNote() {
    return direction.overwriteNote();
  }

  /** What the operator should know about the files the copy reads; empty when nothing. */
  public List<String> notes() {
    List<String> out = new ArrayList<>(earlier.notes());
    if (keys != null && keys.note() != null) {
      out.add(keys.note());
    }
    if (replay != null && replay.note() != null) {
      out.add(replay.note());
    }
    return out;
  }
}
