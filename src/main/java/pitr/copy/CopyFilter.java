package pitr.copy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pitr.dynamo.ScanSpec;

/** The {@code --filter} of a copy: its scan, and what is wrong with its placeholders. */
final class CopyFilter {
  private static final Pattern VALUE_REF = Pattern.compile(":[A-Za-z0-9_]+");
  private static final Pattern NAME_REF = Pattern.compile("#[A-Za-z0-9_]+");

  private CopyFilter() {}

  /** The scan of {@code table} in {@code segments}, filtered as {@code scan} asks. */
  static ScanSpec spec(String table, CopySource.Scan scan, int segments) {
    ScanSpec spec = ScanSpec.of(table, segments);
    return scan.filtered() ? spec.withFilter(scan.filter(), scan.names(), scan.values()) : spec;
  }

  /**
   * What is wrong with the scan's filter placeholders, or null: placeholders the expression uses
   * but the scan does not define, or defines but the expression does not use (DynamoDB refuses
   * both). (Placeholders without a filter, or a filter with a keys or replay file, cannot be a
   * {@link CopySource}: {@link CopySource#of} refuses them.)
   */
  static String problem(CopySource.Scan scan) {
    if (!scan.filtered()) {
      return null;
    }
    String problem =
        placeholderProblem(scan.filter(), VALUE_REF, scan.values().keySet(), "--filter-values");
    if (problem == null) {
      problem =
          placeholderProblem(scan.filter(), NAME_REF, scan.names().keySet(), "--filter-names");
    }
    return problem;
  }

  private static String placeholderProblem(
      String filter, Pattern ref, Set<String> defined, String option) {
    Set<String> used = new TreeSet<>();
    Matcher m = ref.matcher(filter);
    while (m.find()) {
      used.add(m.group());
    }
    Set<String> undefined = new TreeSet<>(used);
    undefined.removeAll(defined);
    if (!undefined.isEmpty()) {
      return "--filter '"
          + filter
          + "' uses "
          + String.join(", ", undefined)
          + ", which "
          + option
          + " does not define; add "
          + (undefined.size() == 1 ? "it" : "them")
          + ", e.g. "
          + option
          + " '"
          + example(option, undefined.iterator().next())
          + "'";
    }
    Set<String> unused = new TreeSet<>(defined);
    unused.removeAll(used);
    if (!unused.isEmpty()) {
      return option
          + " defines "
          + String.join(", ", unused)
          + ", which --filter '"
          + filter
          + "' does not use; remove "
          + (unused.size() == 1 ? "it" : "them")
          + " or use "
          + (unused.size() == 1 ? "it" : "them")
          + " in --filter";
    }
    return null;
  }

  private static String example(String option, String placeholder) {
    return option.equals("--filter-values")
        ? "{\"" + placeholder + "\":{\"N\":\"3\"}}"
        : "{\"" + placeholder + "\":\"attribute\"}";
  }
}
