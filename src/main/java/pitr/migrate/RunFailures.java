package pitr.migrate;

import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.api.RunMode;
import reactor.core.Exceptions;

/** How a failed migration run is described: in its ledger record, and to the operator. */
final class RunFailures {
  private RunFailures() {}

  /** The failure as the ledger records it: a PitrException's message, else class and message. */
  static String describe(Throwable e) {
    e = cause(e);
    if (e instanceof PitrException p) {
      return p.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /**
   * The failure of run {@code runId} of migration {@code name} in {@code mode} as the operator sees
   * it: a PitrException as it is, else a {@link RunFailedException} saying how to resume the run or
   * roll it back.
   */
  static PitrException failure(String name, String runId, RunMode mode, Throwable e) {
    e = cause(e);
    if (e instanceof PitrException p) {
      return p;
    }
    return new RunFailedException(name, runId, mode, describe(e), e);
  }

  /**
   * The failure of a dry run of migration {@code name}: a PitrException as it is, else {@link
   * ErrorCode#FAILED} saying that nothing was written and how to go on.
   */
  static Throwable dryRunFailure(String name, Throwable e) {
    Throwable c = cause(e);
    if (c instanceof PitrException) {
      return c;
    }
    return new PitrException(
        ErrorCode.FAILED,
        "The dry run of migration "
            + name
            + " failed: "
            + describe(c)
            + "; it wrote nothing. Fix the cause and run the dry run again",
        c);
  }

  /**
   * The failure that matters when several writes failed at once (Reactor's composite of them): the
   * first that carries an operator's message, else the first.
   */
  static Throwable cause(Throwable e) {
    List<Throwable> all = Exceptions.unwrapMultiple(e);
    if (all.size() <= 1) {
      return all.isEmpty() ? e : all.get(0);
    }
    return all.stream().filter(PitrException.class::isInstance).findFirst().orElse(all.get(0));
  }
}
