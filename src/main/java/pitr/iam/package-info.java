/**
 * Least-privilege IAM policies: the catalogue of what each pitr command calls on AWS ({@link
 * pitr.iam.CommandPermissions}) and the policy document that grants exactly that on the named
 * tables ({@link pitr.iam.PolicyWriter}).
 *
 * <p>The catalogue is proven, not guessed: tests run every DynamoDB command against the embedded
 * engine enforcing the command's own policy (it passes) and the policy minus each action in turn
 * (it fails naming that action).
 */
package pitr.iam;
