package pitr.local.validate;

import java.util.ArrayList;
import java.util.List;

/**
 * The violations one request breaks: how many, and the first {@value RequestValidator#MAX_LISTED}
 * as DynamoDB words them.
 */
final class Violations {
  final List<String> listed = new ArrayList<>(2);
  int count;

  void add(Object value, MemberPath path, String constraint) {
    count++;
    if (listed.size() < RequestValidator.MAX_LISTED) {
      listed.add(
          "Value "
              + (value == null ? "null" : "'" + ConstraintText.render(value) + "'")
              + " at '"
              + path
              + "' failed to satisfy constraint: "
              + constraint);
    }
  }

  String message() {
    int n = listed.size();
    return n
        + " validation error"
        + (n == 1 ? "" : "s")
        + " detected: "
        + String.join("; ", listed);
  }

  /** Every one of {@code shape}'s own constraints that {@code value} breaks, in order. */
  void addBreaches(Shape shape, Object value, MemberPath path) {
    if (shape.accepts(value)) {
      return;
    }
    for (String constraint : ConstraintText.breaches(shape, value)) {
      add(value, path, constraint);
    }
  }
}
