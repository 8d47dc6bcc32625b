package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.MigrationLint;

/** {@code pitr migrate lint}: compiles and lints every migration; writes nothing. */
@TargetUse(why = "only compiles the files in --migrations-dir")
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
      "Compile every migration and check what it uses: only pitr.migrate.api, Reactor, java.*"
          + " and the SDK's model types, unless migrations/lint-exceptions.txt allows more.",
      "Exits 2 when a migration has a problem."
    })
final class MigrateLintCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Override
  public Integer call() {
    options.catalog().requireFolder();
    List<MigrationLint.Result> results = new MigrationLint(options.catalog()).lintAll();
    PrintWriter out = spec.commandLine().getOut();
    if (results.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "No migrations in "
              + options.dir
              + " to lint (files named NNNN_snake_case_name.java); 'pitr migrate new NAME' writes"
              + " one");
      err.flush();
    }
    long bad = results.stream().filter(r -> !r.ok()).count();
    String failed =
        bad + " of " + results.size() + " migrations failed the lint; fix the problems above";
    if (Targets.json(spec)) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (MigrationLint.Result r : results) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", r.name());
        row.put("ok", r.ok());
        row.put("problems", r.problems());
        rows.add(row);
      }
      Map<String, Object> result = Map.of("migrations", rows, "failed", bad);
      if (bad > 0) {
        throw new CommandFailure(
            ErrorCode.USAGE, failed.replace("above", "listed in the result"), result);
      }
      Json.print(out, result);
      return 0;
    }
    for (MigrationLint.Result r : results) {
      if (r.ok()) {
        out.println("ok   " + r.name());
      } else {
        out.println("FAIL " + r.name());
        r.problems().forEach(p -> out.println("  " + p.replace("\n", "\n  ")));
      }
    }
    out.flush();
    if (bad > 0) {
      throw new PitrException(ErrorCode.USAGE, failed);
    }
    return 0;
  }
}
