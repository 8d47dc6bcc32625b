package pitr.iam;

import java.util.List;

/**
 * Actions a command needs on one {@link Scope} of resources.
 *
 * @param scope which resources
 * @param actions IAM actions, e.g. {@code dynamodb:Scan}
 */
public record Grant(Scope scope, List<String> actions) {
  static Grant dynamodb(Scope scope, String... operations) {
    return new Grant(scope, java.util.Arrays.stream(operations).map(o -> "dynamodb:" + o).toList());
  }
}
