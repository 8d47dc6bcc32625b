package pitr.runbook;

import java.nio.file.Path;
import java.util.List;

/**
 * A rollback drill as a runbook file describes it: what it rehearses, where, and the ordered steps.
 *
 * @param name the runbook's name, e.g. {@code rollback-bad-migration}
 * @param description what the drill rehearses, for the operator
 * @param target {@code local} (the embedded engine, the default) or {@code aws}
 * @param steps the steps, in order
 * @param file the file it was loaded from
 */
public record Runbook(String name, String description, String target, List<Step> steps, Path file) {

  /** The folder the runbook's relative paths (fixtures, migrations) are resolved against. */
  public Path dir() {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }
}
