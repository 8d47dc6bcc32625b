package pitr.local.expr;

/**
 * An expression that DynamoDB would reject, at parse time or while it is evaluated against an item.
 *
 * <p>The message is the text DynamoDB puts in the {@code ValidationException} it returns, so the
 * engine can pass it through unchanged.
 */
public final class ExpressionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExpressionException(String message) {
    super(message, null, false, false);
  }
}
