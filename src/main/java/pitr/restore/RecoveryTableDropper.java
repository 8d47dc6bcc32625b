package pitr.restore;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.RunState;
import pitr.copy.RunStatus;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Deletes a recovery table, and only that: a table tagged {@code pitr:recovery-of}, not the source
 * of any recovery table, and not the source of a running copy-back run. An untagged table, or one a
 * dead run (its heartbeat lapsed) still reads, is dropped only when the caller has forced it (the
 * CLI asks for an untagged table's name to be typed again); an abandoned or finished run is no
 * obstacle.
 */
public final class RecoveryTableDropper {
  private final DynamoDbGateway gateway;

  private RecoveryTableDropper(DynamoDbGateway gateway, Clock clock) {
    this.gateway = gateway;
  }

  public static RecoveryTableDropper create(DynamoDbGateway gateway, Clock clock) {
    return new RecoveryTableDropper(gateway, clock);
  }

  /**
   * Checks that {@code table} may be dropped; emits its description and tags.
   *
   * @param runs copy-back runs known to the checkpoint stores, with their state
   * @param force accept a table without the recovery tag, or one a dead run reads
   */
  public Mono<TableDescription> check(String table, Flux<RunStatus> runs, boolean force) {
    return check(table, runs, force, rest -> "pitr " + rest);
  }

  /**
   * As {@link #check(String, Flux, boolean)}; {@code command} makes a pitr command line of its
   * arguments for the commands a refusal names, carrying where the runs' state is.
   */
  public Mono<TableDescription> check(
      String table, Flux<RunStatus> runs, boolean force, UnaryOperator<String> command) {
    return gateway
        .describeTable(table)
        .flatMap(
            d ->
                Mono.zip(
                        gateway.tags(d.tableArn()),
                        StatusReader.recoveryTablesOf(gateway, table).collectList(),
                        runs.filter(r -> blocks(r, table, force)).collectList())
                    .map(t -> refuseOrPass(d, t.getT1(), t.getT2(), t.getT3(), force, command)));
  }

  private static TableDescription refuseOrPass(
      TableDescription d,
      Map<String, String> tags,
      List<PitrStatus.RecoveryTable> recoveries,
      List<RunStatus> runs,
      boolean force,
      UnaryOperator<String> command) {
    String table = d.tableName();
    if (!recoveries.isEmpty()) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " is the source of recovery table "
              + recoveries.get(0).name()
              + "; pitr never drops a source table");
    }
    String of = tags.get(RecoveryTags.RECOVERY_OF);
    if (of != null && of.equals(table)) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table " + table + " is tagged as a recovery of itself; pitr will not drop it");
    }
    if (of == null && !force) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " has no "
              + RecoveryTags.RECOVERY_OF
              + " tag, so it is not a recovery table pitr made; pass --force and type its name to"
              + " drop it anyway");
    }
    // A running run is named before a dead one: it is the one to wait for.
    RunStatus run =
        runs.stream().filter(r -> r.state() == RunState.RUNNING).findFirst().orElse(null);
    if (run != null) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " is being copied back by run "
              + run.runId()
              + ", which is running ("
              + run.lastHeartbeat()
              + "); wait for it to finish");
    }
    if (!runs.isEmpty()) {
      run = runs.get(0);
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " is being copied back by run "
              + run.runId()
              + (run.state() == RunState.PENDING
                  ? ", which waits for a worker that has not started yet ("
                  : ", which is dead (")
              + run.lastHeartbeat()
              + "): resume it with "
              + command.apply("copy-back --resume " + run.runId())
              + " (its checkpoints are intact), or release it with "
              + command.apply("runs abandon " + run.runId())
              + " and drop again (or drop anyway with --force)");
    }
    return d;
  }

  /** True when {@code run} stops {@code table} from being dropped. */
  private static boolean blocks(RunStatus run, String table, boolean force) {
    return run.run().source().equals(table)
        && (run.state() == RunState.RUNNING
            || ((run.state() == RunState.DEAD || run.state() == RunState.PENDING) && !force));
  }

  /** Deletes the table (after {@link #check}). */
  public Mono<TableDescription> drop(String table) {
    return gateway.deleteTable(table);
  }
}
