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

  /** The scan of the request's source in {@code segments}, filtered as asked. */
  static ScanSpec spec(CopyRequest r, int segments) {
    ScanSpec spec = ScanSpec.of(r.source(), segments);
    return r.filter() == null
        ? spec
        : spec.withFilter(r.filter(), r.filterNames(), r.filterValues());
  }

  /**
   * What is wrong with the request's filter and its placeholders, or null: placeholders the
   * expression uses but the request does not define, or defines but the expression does not use
   * (DynamoDB refuses both), and a filter where no scan happens.
   */
  static String problem(CopyRequest r) {
    if (r.filter() == null) {
      if (!r.filterValues().isEmpty() || !r.filterNames().isEmpty()) {
        return (r.filterValues().isEmpty() ? "--filter-names" : "--filter-values")
            + " needs --filter EXPR, the filter expression that uses them";
      }
      return null;
    }
    if (r.keysFile() != null || r.replayFile() != null) {
      return "--filter chooses items of a scan, but "
          + (r.keysFile() != null ? "--keys" : "--replay")
          + " copies exactly the items listed; pass one of them, not both";
    }
    String problem =
        placeholderProblem(r.filter(), VALUE_REF, r.filterValues().keySet(), "--filter-values");
    if (problem == null) {
      problem =
          placeholderProblem(r.filter(), NAME_REF, r.filterNames().keySet(), "--filter-names");
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
