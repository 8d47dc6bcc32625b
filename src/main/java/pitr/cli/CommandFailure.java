package pitr.cli;

import pitr.ErrorCode;
import pitr.PitrException;

/**
 * A failure that comes with a result worth showing: a copy-back whose failed items are in a failure
 * file, a rollback applied in part, a failed drill. In text the command prints the result before
 * throwing; with {@code --output json} it throws this instead, and {@link ErrorJson} prints the
 * result inside the error document, so stdout holds one JSON document either way.
 */
final class CommandFailure extends PitrException {
  private static final long serialVersionUID = 1L;

  private final transient Object result;

  CommandFailure(ErrorCode code, String message, Object result) {
    super(code, message);
    this.result = result;
  }

  /** The command's result, to print with the error. */
  Object result() {
    return result;
  }
}
