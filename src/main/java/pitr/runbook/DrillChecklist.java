package pitr.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A runbook as a numbered checklist an operator can follow by hand against AWS, each step with the
 * equivalent pitr or AWS CLI commands.
 */
public final class DrillChecklist {
  private DrillChecklist() {}

  public static String of(Runbook runbook) {
    StringBuilder out = new StringBuilder();
    out.append("Runbook ")
        .append(runbook.name())
        .append(": ")
        .append(runbook.description().strip())
        .append("\n\n");
    int n = 0;
    for (Step step : runbook.steps()) {
      n++;
      out.append(String.format("%2d. [ ] %s%n", n, step.description()));
      for (String c : commands(runbook, step)) {
        out.append("        ").append(c).append('\n');
      }
    }
    return out.toString();
  }

  static List<String> commands(Runbook runbook, Step step) {
    List<String> c = new ArrayList<>();
    if (step instanceof Step.CreateTable s) {
      String defs =
          s.key().entrySet().stream()
              .map(e -> "AttributeName=" + e.getKey() + ",AttributeType=" + e.getValue())
              .collect(Collectors.joining(" "));
      List<String> names = new ArrayList<>(s.key().keySet());
      String schema =
          "AttributeName="
              + names.get(0)
              + ",KeyType=HASH"
              + (names.size() > 1 ? " AttributeName=" + names.get(1) + ",KeyType=RANGE" : "");
      String billing =
          "provisioned".equals(s.billing())
              ? "--provisioned-throughput ReadCapacityUnits="
                  + (s.rcu() == null ? 100 : s.rcu())
                  + ",WriteCapacityUnits="
                  + (s.wcu() == null ? 100 : s.wcu())
              : "--billing-mode PAY_PER_REQUEST";
      c.add(
          "aws dynamodb create-table --table-name "
              + s.table()
              + " --attribute-definitions "
              + defs
              + " --key-schema "
              + schema
              + " "
              + billing);
      c.add("aws dynamodb wait table-exists --table-name " + s.table());
      if (s.ttl() != null) {
        c.add(
            "aws dynamodb update-time-to-live --table-name "
                + s.table()
                + " --time-to-live-specification Enabled=true,AttributeName="
                + s.ttl());
      }
    } else if (step instanceof Step.Seed s) {
      if (s.fixture() != null) {
        c.add(
            "pitr migrate dev <any migration> --dry-run --seed "
                + runbook.dir().resolve(s.fixture())
                + " --endpoint-url <your endpoint>");
      } else {
        c.add(
            "# load "
                + String.format("%,d", s.items())
                + " test items into "
                + s.table()
                + " with your loader, e.g. 'aws dynamodb batch-write-item --request-items file://batch.json' per 25 items");
      }
    } else if (step instanceof Step.EnablePitr s) {
      c.add(
          "aws dynamodb update-continuous-backups --table-name "
              + s.table()
              + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true");
    } else if (step instanceof Step.Mark s) {
      c.add(s.name() + "=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)   # write the time down");
    } else if (step instanceof Step.Snapshot s) {
      c.add(
          "aws dynamodb scan --table-name "
              + s.table()
              + " --consistent-read --output json > "
              + s.name()
              + ".json");
    } else if (step instanceof Step.Advance s) {
      c.add(
          "sleep "
              + StepDurations.parse(s.by()).toSeconds()
              + "   # AWS: LatestRestorableDateTime trails now by about 5 minutes");
    } else if (step instanceof Step.Migrate s) {
      c.add(
          "pitr migrate prod "
              + s.name()
              + " --migrations-dir "
              + runbook
                  .dir()
                  .resolve(s.migrationsDir() == null ? "migrations" : s.migrationsDir()));
    } else if (step instanceof Step.Traffic s) {
      c.add(
          "# let the application keep writing to "
              + s.table()
              + " ("
              + (s.action() == null ? "update" : s.action())
              + ")");
    } else if (step instanceof Step.Faults s) {
      c.add("# nothing to inject on AWS: a table at low provisioned capacity throttles on its own");
    } else if (step instanceof Step.Rollback s) {
      String base =
          "pitr rollback "
              + s.table()
              + " --to $"
              + s.to()
              + (s.incidentEnd() == null ? "" : " --incident-end $" + s.incidentEnd())
              + ("overwrite".equals(s.onConflict()) ? " --on-conflict overwrite" : "")
              + (Boolean.TRUE.equals(s.deleteExtra()) ? " --delete-extra" : "")
              + (s.fromExport()
                  ? " --source export --bucket "
                      + s.bucket()
                      + (s.prefix() == null ? "" : " --prefix " + s.prefix())
                  : "");
      c.add(base + " --plan rollback-plan.jsonl   # review the plan");
      c.add("pitr rollback --apply rollback-plan.jsonl");
    } else if (step instanceof Step.MigrateRollback s) {
      c.add("pitr migrate rollback " + s.name());
    } else if (step instanceof Step.AssertCount s) {
      c.add(
          "aws dynamodb scan --table-name "
              + s.table()
              + " --select COUNT --consistent-read   # expect "
              + (s.snapshot() != null
                  ? "as many as in " + s.snapshot() + ".json"
                  : String.format("%,d", s.equals())));
    } else if (step instanceof Step.AssertItem s) {
      String key =
          s.key().entrySet().stream()
              .map(e -> "\"" + e.getKey() + "\":{\"S\":\"" + e.getValue() + "\"}")
              .collect(Collectors.joining(",", "{", "}"));
      c.add(
          "aws dynamodb get-item --table-name "
              + s.table()
              + " --consistent-read --key '"
              + key
              + "'   # expect "
              + (Boolean.TRUE.equals(s.absent())
                  ? "no item"
                  : String.valueOf(s.attributes() == null ? Map.of() : s.attributes())));
    } else if (step instanceof Step.AssertUnchanged s) {
      c.add(
          "aws dynamodb scan --table-name "
              + s.table()
              + " --consistent-read --output json > after.json");
      c.add(
          "# compare after.json with "
              + s.snapshot()
              + ".json: only items the application wrote during the incident may differ");
    } else if (step instanceof Step.AssertConflicts s) {
      c.add(
          "# read 'Conflicts kept as they are' in the rollback's output"
              + (s.equals() != null ? ": expect " + s.equals() : "")
              + (s.traffic() != null
                  ? "; they must be the items the application wrote during the incident"
                  : ""));
    } else if (step instanceof Step.Restore s) {
      c.add(
          "pitr restore "
              + s.table()
              + " --to <"
              + s.to()
              + "> --as "
              + s.as()
              + "   # lists what the new table does not inherit");
    } else if (step instanceof Step.AssertTtl s) {
      c.add(
          "aws dynamodb describe-time-to-live --table-name "
              + s.table()
              + "   # expect "
              + (s.attribute() == null || s.attribute().isBlank()
                  ? "DISABLED"
                  : "ENABLED on " + s.attribute()));
    } else if (step instanceof Step.Drop s) {
      c.add("aws dynamodb delete-table --table-name " + s.table());
    }
    return c;
  }
}
