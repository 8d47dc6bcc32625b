package pitr.local.iam;

/**
 * One thing a request needs to be allowed: an IAM action on a resource.
 *
 * @param action e.g. {@code dynamodb:PutItem}
 * @param resource e.g. {@code arn:aws:dynamodb:us-east-1:000000000000:table/orders}, or {@code *}
 *     for operations that name no resource (ListTables)
 */
public record Permission(String action, String resource) {}
