package pitr.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.restore.PitrStatus;
import pitr.restore.StatusReader;

/** {@code pitr status TABLE}: the table's point-in-time recovery safety net at a glance. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show point-in-time recovery, restore window, TTL, backups, size, capacity and the recovery"
          + " tables pitr made from TABLE.",
      "Read-only."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table to report on.")
  String table;

  @Override
  public Integer call() {
    PitrStatus status;
    try (Targets t = Targets.of(spec)) {
      status = StatusReader.create(t.gateway).read(table).block();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Json.print(out, status);
      return 0;
    }
    out.println("table:            " + status.table() + " (" + status.tableStatus() + ")");
    if (status.pitrEnabled()) {
      out.println("pitr:             on, " + status.recoveryPeriodDays() + " days");
      out.println("restorable:       " + status.earliest() + " .. " + status.latest());
    } else {
      out.println("pitr:             OFF (nothing can be restored to a point in time)");
    }
    out.println("ttl:              " + ttl(status.ttl()));
    out.println("items:            " + status.itemCount() + " (" + status.sizeBytes() + " bytes)");
    out.println(
        "billing:          "
            + status.billingMode()
            + (status.readCapacity() == null
                ? ""
                : " (" + status.readCapacity() + " RCU, " + status.writeCapacity() + " WCU)"));
    out.println("backups:          " + status.backups().size());
    for (PitrStatus.Backup b : status.backups()) {
      out.println("  " + b.name() + "  " + b.created() + "  " + b.status());
    }
    out.println("recovery tables:  " + status.recoveryTables().size());
    for (PitrStatus.RecoveryTable r : status.recoveryTables()) {
      out.println("  " + r.name() + "  " + r.status() + "  restore point " + r.restorePoint());
    }
    out.flush();
    return 0;
  }

  /** The TTL line: whether expired items are deleted, and that a restore drops the setting. */
  private static String ttl(PitrStatus.Ttl ttl) {
    if (ttl == null) {
      return "not reported by this endpoint";
    }
    String state =
        switch (ttl.status()) {
          case "DISABLED" -> null;
          case "ENABLING" -> "turning on";
          case "DISABLING" -> "turning off";
          default -> "on";
        };
    return state == null
        ? "off"
        : state
            + ", attribute "
            + ttl.attribute()
            + " (expired items are deleted; a restored table has TTL off)";
  }
}
