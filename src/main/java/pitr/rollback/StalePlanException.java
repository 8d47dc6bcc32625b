package pitr.rollback;

import pitr.ErrorCode;
import pitr.PitrException;

/**
 * The refusal of an apply whose plan no longer matches its table (its keys are not the table's key:
 * the table was recreated since planning); nothing was written. Applying the same plan again is
 * refused again: a new plan is the fix, which the CLI names instead of the apply of the kept plan.
 */
public final class StalePlanException extends PitrException {
  private static final long serialVersionUID = 1L;

  StalePlanException(String message) {
    super(ErrorCode.USAGE, message);
  }

  /** Whether {@code e} is (or was caused by) a {@link StalePlanException}. */
  public static boolean isCause(Throwable e) {
    return causedBy(e, StalePlanException.class);
  }
}
