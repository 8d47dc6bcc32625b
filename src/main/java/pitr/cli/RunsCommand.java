package pitr.cli;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import pitr.copy.CopyRunRecord;
import pitr.copy.CopyRuns;
import pitr.copy.RunOwner;
import pitr.copy.RunStatus;
import pitr.dynamo.DynamoDbGateway;

/**
 * {@code pitr runs}: the copy-back and rollback-apply runs known to the checkpoint stores, whether
 * they are alive, and a way to release a dead one. Holds what its subcommands share: the clock and
 * how a run is printed.
 */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = {
      "List, show and abandon copy-back and rollback-apply runs: running (heartbeat renewed within"
          + " its lease), dead (lease lapsed: killed or lost; resume or abandon it), finished or"
          + " abandoned.",
      "Runs are read from --state-dir and, when given, --checkpoint-table; with --ledger-table,"
          + " list and show also the migration runs of that ledger."
    },
    subcommands = {RunsListCommand.class, RunsShowCommand.class, RunsAbandonCommand.class})
final class RunsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Time the leases are judged at; tests inject their own. */
  Clock clock = Clock.systemUTC();

  /** How {@code runs show --watch} waits between looks; tests inject their own. */
  Pause pause = d -> Thread.sleep(d.toMillis());

  /**
   * What AWS Batch says of jobs, by id; null to ask AWS Batch (DescribeJobs). Tests inject their
   * own.
   */
  Function<java.util.List<String>, Map<String, String>> batchStates;

  /** A wait of some duration. */
  @FunctionalInterface
  interface Pause {
    void sleep(java.time.Duration d) throws InterruptedException;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** The {@code runs} command a subcommand belongs to. */
  static RunsCommand of(CommandSpec sub) {
    return (RunsCommand) sub.parent().userObject();
  }

  /**
   * Runs {@code work} over the runs of the state directory and, when given, the checkpoint table; a
   * DynamoDB client is made only for the table.
   */
  static <T> T withRuns(CommandSpec sub, StateOptions state, Function<CopyRuns, T> work) {
    Clock clock = of(sub).clock;
    if (state.checkpointTable == null) {
      return work.apply(CopyRuns.in(state.allCheckpoints(null), clock));
    }
    try (Targets t = Targets.of(sub)) {
      DynamoDbGateway gateway = t.gateway;
      return work.apply(CopyRuns.in(state.allCheckpoints(gateway), clock));
    }
  }

  /** A run as {@code --output json} prints it. */
  static Map<String, Object> json(RunStatus s) {
    CopyRunRecord r = s.run();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", r.runId());
    m.put("kind", r.kind());
    m.put("source", r.source());
    m.put("target", r.target());
    m.put("segments", r.totalSegments());
    m.put("filter", r.filter());
    m.put("state", s.state().label());
    m.put("owner", owner(r.owner()));
    m.put("heartbeat", r.heartbeat());
    m.put("leaseExpires", r.expires());
    m.put("abandonedAt", r.abandoned() == null ? null : r.abandoned().at());
    m.put("abandonedBy", r.abandoned() == null ? null : owner(r.abandoned().by()));
    m.put("checkpoints", s.store());
    return m;
  }

  private static Map<String, Object> owner(RunOwner o) {
    if (o == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", o.host());
    m.put("pid", o.pid());
    m.put("batchJobId", o.batchJobId());
    return m;
  }

  /** {@code orders-rec -> orders}, or {@code plan 3f2a in chunks of 100 -> orders}. */
  static String copies(CopyRunRecord r) {
    return r.source() + " -> " + r.target();
  }

  /**
   * What to do next about a run in its state; {@code command} makes a pitr command line of its
   * arguments, carrying where the run's state is ({@link ResumeCommands#of}).
   */
  static String next(RunStatus s, java.util.function.UnaryOperator<String> command) {
    String id = s.runId();
    boolean rollback = s.run().kind().equals("rollback");
    return switch (s.state()) {
      case RUNNING -> "wait for it to finish, or stop its process";
      case DEAD ->
          "resume it with "
              + command.apply(
                  rollback ? "rollback --apply PLAN --resume " + id : "copy-back --resume " + id)
              + ", or release it with "
              + command.apply("runs abandon " + id);
      case PENDING ->
          "wait for its workers to start ("
              + command.apply("runs show " + id)
              + " says which has not), or start the missing one with "
              + command.apply(
                  (rollback ? "rollback --apply PLAN" : "copy-back")
                      + " --worker I/N --resume "
                      + id);
      case FINISHED -> "nothing; it is finished";
      case ABANDONED ->
          "nothing waits for it; "
              + (rollback ? "apply the plan again" : "start a new copy-back")
              + " to copy again";
    };
  }
}
