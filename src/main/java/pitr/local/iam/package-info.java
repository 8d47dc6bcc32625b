/**
 * Identity-based IAM policies for the embedded engine: which access key may call which operation on
 * which table, index, backup or export, answered with DynamoDB's {@code AccessDeniedException}.
 *
 * <p>A policy document is parsed once ({@link pitr.local.iam.PolicyDocument}); each request is
 * turned into the (action, resource) pairs DynamoDB authorizes ({@link
 * pitr.local.iam.RequiredPermissions}); {@link pitr.local.iam.IamPolicies} decides: an explicit
 * Deny wins, else an Allow is needed, else the request is denied. Conditions are not evaluated.
 */
package pitr.local.iam;
