package pitr.copy;

import java.util.List;

/**
 * How two tables differ, by key.
 *
 * @param a first table
 * @param b second table
 * @param identical items with the same key and the same attributes in both
 * @param changed items with the same key whose attributes differ
 * @param onlyInA keys only in {@code a}
 * @param onlyInB keys only in {@code b}
 * @param sampleChanged up to N changed keys (DynamoDB JSON)
 * @param sampleOnlyInA up to N keys only in {@code a}
 * @param sampleOnlyInB up to N keys only in {@code b}
 */
public record DiffResult(
    String a,
    String b,
    long identical,
    long changed,
    long onlyInA,
    long onlyInB,
    List<String> sampleChanged,
    List<String> sampleOnlyInA,
    List<String> sampleOnlyInB) {

  /** True when the tables hold the same items. */
  public boolean same() {
    return changed == 0 && onlyInA == 0 && onlyInB == 0;
  }
}
