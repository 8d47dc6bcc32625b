/**
 * Least-privilege IAM policies: the catalogue of what each pitr command calls on AWS ({@link
 * pitr.iam.CommandPermissions}) and the policy document that grants exactly that on the named
 * tables ({@link pitr.iam.PolicyWriter}).
 *
 * <p>The catalogue is proven, not guessed: tests run every DynamoDB command against the embedded
 * engine enforcing the command's own policy (it passes) and the policy minus each action in turn
 * (it fails naming that action). The engine does not enforce S3: the S3 statements are checked
 * against the calls pitr's S3 client makes to a stand-in endpoint (IamS3GrantsTest). Variants that
 * are not among the enforced test's scenarios (such as {@code migrate rollback --source export
 * --export}) are read from the code.
 */
package pitr.iam;
