package pitr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.demo.RecoveryDemo;

/** {@code pitr local demo}: a point-in-time recovery, start to finish, on the embedded engine. */
@TargetUse(why = "runs on the embedded engine in-process")
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Break a table with a bad migration, restore the instant before it, copy the damage back,"
          + " verify and clean up: all on the embedded engine, in seconds."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--items",
      paramLabel = "N",
      defaultValue = "10000",
      converter = Ranges.DemoItems.class,
      description = "Items to seed, 1-1,000,000 (default: ${DEFAULT-VALUE}).")
  int items;

  @Override
  public Integer call() {
    if (!Targets.json(spec)) {
      boolean ok = new RecoveryDemo(spec.commandLine().getOut()).run(items);
      return ok ? ErrorCode.OK.exitCode() : ErrorCode.FAILED.exitCode();
    }
    StringWriter transcript = new StringWriter();
    boolean ok = new RecoveryDemo(new PrintWriter(transcript)).run(items);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("passed", ok);
    result.put("items", items);
    result.put("transcript", transcript.toString().lines().filter(l -> !l.isBlank()).toList());
    if (!ok) {
      throw new CommandFailure(
          ErrorCode.FAILED,
          "The demo's recovery did not restore every item; see the transcript in the result",
          result);
    }
    Json.print(spec.commandLine().getOut(), result);
    return ErrorCode.OK.exitCode();
  }
}
