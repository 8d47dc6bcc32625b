/**
 * DynamoDB's expression languages for the embedded engine: condition, key-condition, projection and
 * update expressions, parsed against a request's placeholders and evaluated on items.
 *
 * <p>{@link pitr.local.expr.ExpressionContext} parses the expressions of one request and checks
 * that every placeholder was used; errors are {@link pitr.local.expr.ExpressionException}s carrying
 * DynamoDB's ValidationException message. {@link pitr.local.expr.AttributeValues} holds the value
 * semantics (ordering, equality, size) the whole engine shares.
 */
package pitr.local.expr;
