package pitr.migrate;

import java.util.List;
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
