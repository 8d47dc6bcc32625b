package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyBackWorkerProgressTest {
  @TempDir Path state;
  private CopyFixture f;

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void copyBack_ofEachWorker_recordsItsItemsAndWcuInItsLease_forRunsShow() {
    f = new CopyFixture(state).recoveryAndLive(300);
    for (int i = 1; i <= 2; i++) {
      CopyRequest r =
          CopyRequest.builder("w1", f.failures("w1-" + i))
              .tables("orders-rec", "orders")
              .throughput(new CopyRequest.Throughput(4, 4, 0, 0))
              .retry(new CopyRequest.Retry(3, Duration.ofMillis(1), Duration.ofMillis(20)))
              .worker(new Worker(i, 2))
              .build();
      f.copyBack().run(r).block();
    }

    List<WorkerLease> leases = f.checkpoints.leases("w1").block();

    assertThat(leases).hasSize(2);
    assertThat(leases).allSatisfy(l -> assertThat(l.progress()).isNotNull());
    assertThat(leases.stream().mapToLong(l -> l.progress().items()).sum()).isEqualTo(300);
    assertThat(leases).allSatisfy(l -> assertThat(l.progress().wcu()).isPositive());
    assertThat(leases).allSatisfy(l -> assertThat(l.progress().failed()).isZero());
    assertThat(f.identical()).isTrue();
  }
}
