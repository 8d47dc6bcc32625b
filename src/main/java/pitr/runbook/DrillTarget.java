package pitr.runbook;

import java.time.Clock;
import java.time.Duration;
import pitr.dynamo.ReadUnits;
import pitr.export.ExportStore;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Where a drill runs: a DynamoDB client, the clock the target keeps, and the powers only the
 * embedded engine has (moving its clock, injecting faults). The CLI implements it over the embedded
 * engine or AWS; this package never sees the engine itself.
 */
public interface DrillTarget extends AutoCloseable {
  /** How the report names the target, e.g. "the embedded engine". */
  String name();

  /** The client steps use; the target keeps and closes it. */
  DynamoDbAsyncClient client();

  /** The target's time: the engine's clock, or the system clock on AWS. */
  Clock clock();

  /** Lets {@code by} pass: the engine's clock jumps, AWS waits. */
  Mono<Void> advance(Duration by);

  /**
   * Whether {@link #advance} moves the target's clock (the embedded engine) rather than waiting in
   * real time (AWS or any other endpoint).
   */
  boolean movesClock();

  /**
   * Injects faults, e.g. {@code throttle=0.2,seed=7}; blank turns them off.
   *
   * @throws pitr.PitrException {@link pitr.ErrorCode#USAGE} when the target cannot (AWS), or the
   *     spec is not valid
   */
  void injectFaults(String spec);

  /** Write units consumed over time, when the target can measure them; null otherwise. */
  WriteMeter meter();

  /**
   * Read units consumed per table, when the target can measure them (an interceptor on its client);
   * null otherwise.
   */
  default ReadUnits reads() {
    return null;
  }

  /**
   * Where exports to {@code bucket} are read from, for rollbacks with {@code source: export}: S3 on
   * AWS; on the embedded engine, a folder of the drill's own that the engine writes exports to.
   *
   * @throws pitr.PitrException {@link pitr.ErrorCode#USAGE} when the target cannot export
   */
  default ExportStore exports(String bucket) {
    throw new pitr.PitrException(
        pitr.ErrorCode.USAGE,
        "The drill's target "
            + name()
            + " cannot export to S3; run the drill with --target local or aws, or roll back with"
            + " source: restore");
  }

  /** Releases the client (and, locally, the engine). */
  @Override
  void close();
}
