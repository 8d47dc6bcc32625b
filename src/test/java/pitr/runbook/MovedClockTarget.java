package pitr.runbook;

import java.time.Duration;
import pitr.local.AdjustableClock;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The embedded engine as a drill target whose {@code advance} steps move the engine's clock.
 *
 * @param meter the write meter the drill reports from, or null when the test reads no figures
 */
record MovedClockTarget(DynamoDbAsyncClient client, AdjustableClock clock, WriteMeter meter)
    implements DrillTarget {

  @Override
  public String name() {
    return "the embedded engine";
  }

  @Override
  public Mono<Void> advance(Duration by) {
    return Mono.fromRunnable(() -> clock.advance(by));
  }

  @Override
  public boolean movesClock() {
    return true;
  }

  @Override
  public void injectFaults(String spec) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
