package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.metrics.CopyMeters;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A segment's next page is written while the last page's checkpoint is being saved, and the
 * checkpoints still land in page order, each after its page's writes.
 */
class CopyBackCheckpointOverlapTest {
  @TempDir Path state;
  private CopyFixture f;

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void nextPage_isWrittenWhileTheFirstCheckpointIsHeld_andCheckpointsLandInPageOrder()
      throws Exception {
    f = new CopyFixture(state);
    f.local.createTable("orders-rec");
    f.local.createTable("orders");
    f.local.tagAsRecovery("orders-rec", "orders", "2026-11-30T02:00:00Z");
    // Items of ~10 KB: 1 MB scan pages of about a hundred items, four of them in one segment.
    f.local.fill("orders-rec", 0, 400, "good", 10_000);

    Sinks.Empty<Void> release = Sinks.empty();
    AtomicReference<Long> writtenAtFirstSave = new AtomicReference<>();
    List<SegmentPosition> saved = Collections.synchronizedList(new ArrayList<>());
    Checkpoints held =
        (Checkpoints)
            Proxy.newProxyInstance(
                Checkpoints.class.getClassLoader(),
                new Class<?>[] {Checkpoints.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("save")) {
                    SegmentPosition position = (SegmentPosition) args[1];
                    Mono<Void> save =
                        f.checkpoints
                            .save((String) args[0], position)
                            .doOnSuccess(v -> saved.add(position));
                    if (writtenAtFirstSave.compareAndSet(null, f.local.count("orders"))) {
                      return release.asMono().then(save);
                    }
                    return save;
                  }
                  try {
                    return method.invoke(f.checkpoints, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    CopyBack copyBack =
        CopyBack.create(f.local.gateway(), held, CopyMeters.inMemory(), Clock.systemUTC());

    CompletableFuture<CopyResult> run =
        copyBack.run(f.request("r1", false, 1, 4, 0, 10)).toFuture();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (writtenAtFirstSave.get() == null
        || f.local.count("orders") <= writtenAtFirstSave.get()) {
      assertThat(System.nanoTime())
          .as("the second page was not written while the first page's checkpoint was held")
          .isLessThan(deadline);
      Thread.onSpinWait();
    }
    long firstPage = writtenAtFirstSave.get();
    assertThat(firstPage).isBetween(1L, 399L);
    assertThat(saved).as("nothing saved before the held checkpoint").isEmpty();

    release.tryEmitEmpty();
    CopyResult result = run.get(60, TimeUnit.SECONDS);

    assertThat(result.itemsWritten()).isEqualTo(400);
    assertThat(f.identical()).isTrue();
    assertThat(saved).hasSizeGreaterThanOrEqualTo(3);
    assertThat(saved.get(saved.size() - 1).done()).isTrue();
    assertThat(saved.subList(0, saved.size() - 1)).allSatisfy(p -> assertThat(p.done()).isFalse());
    assertThat(saved.stream().map(SegmentPosition::resumeAfter).distinct().count())
        .isEqualTo(saved.size());
  }
}
