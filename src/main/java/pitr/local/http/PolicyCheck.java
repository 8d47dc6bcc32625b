package pitr.local.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.RequiredPermissions;
import software.amazon.awssdk.core.SdkRequest;

/**
 * The server's IAM hook: the access key a request is signed with (the {@code Credential=KEY/...} of
 * its Authorization header) and the policies of that key decide whether the decoded request may
 * run. A refused request gets DynamoDB's {@code AccessDeniedException} and changes nothing.
 */
final class PolicyCheck {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");

  private final IamPolicies policies;
  private final RequiredPermissions permissions;

  PolicyCheck(IamPolicies policies, String region, String accountId) {
    this.policies = policies;
    this.permissions = new RequiredPermissions(region, accountId);
  }

  /**
   * Checks one request.
   *
   * @param authorization the request's Authorization header, or null
   * @return null when the request's key may do what it asks, else the AccessDeniedException text
   */
  String deny(String authorization, String operation, SdkRequest request) {
    String key = null;
    if (authorization != null) {
      Matcher m = CREDENTIAL.matcher(authorization);
      key = m.find() ? m.group(1) : null;
    }
    return policies.deny(key, permissions.of(operation, request));
  }
}
