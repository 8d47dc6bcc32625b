package pitr.local.iam;

import java.util.List;
import java.util.Map;

/**
 * The identity-based policies of the engine's access keys, and the decision for a request, as IAM
 * makes it: an explicit Deny in any policy of the key wins; otherwise some Allow must match;
 * otherwise the request is denied. A key with no policy is denied everything.
 *
 * <p>Each key stands for an IAM user named after it, {@code arn:aws:iam::ACCOUNT:user/KEY}, which
 * is how denials name the caller.
 */
public final class IamPolicies {
  private final Map<String, List<PolicyDocument>> byKey;
  private final String accountId;

  private IamPolicies(Map<String, List<PolicyDocument>> byKey, String accountId) {
    this.byKey = byKey;
    this.accountId = accountId;
  }

  /**
   * The policies of each access key id.
   *
   * @param accountId the account of the users and resources, as in the engine's ARNs
   */
  public static IamPolicies of(Map<String, List<PolicyDocument>> byKey, String accountId) {
    return new IamPolicies(Map.copyOf(byKey), accountId);
  }

  /** The access key ids that have a policy. */
  public java.util.Set<String> keys() {
    return byKey.keySet();
  }

  /**
   * Whether {@code accessKeyId} may do all of {@code needed}.
   *
   * @return null when every permission is allowed, else DynamoDB's AccessDeniedException message
   *     for the first that is not
   */
  public String deny(String accessKeyId, List<Permission> needed) {
    List<PolicyDocument> policies =
        accessKeyId == null ? List.of() : byKey.getOrDefault(accessKeyId, List.of());
    for (Permission p : needed) {
      String why = decide(policies, p);
      if (why != null) {
        return "User: "
            + user(accessKeyId)
            + " is not authorized to perform: "
            + p.action()
            + " on resource: "
            + p.resource()
            + " "
            + why;
      }
    }
    return null;
  }

  private static String decide(List<PolicyDocument> policies, Permission p) {
    boolean allowed = false;
    for (PolicyDocument policy : policies) {
      for (PolicyDocument.Statement s : policy.statements()) {
        if (!s.matches(p)) {
          continue;
        }
        if (s.effect() == PolicyDocument.Effect.DENY) {
          return "with an explicit deny in an identity-based policy";
        }
        if (!s.conditional()) {
          allowed = true;
        }
      }
    }
    return allowed ? null : "because no identity-based policy allows the " + p.action() + " action";
  }

  private String user(String accessKeyId) {
    return "arn:aws:iam::"
        + accountId
        + ":user/"
        + (accessKeyId == null ? "anonymous" : accessKeyId);
  }
}
