package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class VersionDeltaTest {
  private static Map<String, AttributeValue> item(String payload, int serial) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("pk", AttributeValue.fromS("customer-000042"));
    item.put("name", AttributeValue.fromS("customer 42 of the delta test"));
    item.put("serial", AttributeValue.fromN(Integer.toString(serial)));
    item.put("payload", AttributeValue.fromS(payload));
    item.put("tags", AttributeValue.fromSs(List.of("a", "b")));
    item.put("m", AttributeValue.fromM(Map.of("deep", AttributeValue.fromN("7"))));
    return item;
  }

  private static Version write(long at, Map<String, AttributeValue> image, Version previous) {
    return Version.superseding(at, image, image == null ? 0 : ItemSizes.size(image), previous);
  }

  @Test
  void superseding_whenOneSmallAttributeChanges_keepsTheOldVersionAsAFewBytesOfDelta() {
    Map<String, AttributeValue> first = item("x".repeat(150), 1);
    Map<String, AttributeValue> second = item("x".repeat(150), 2);
    Version v1 = write(1, first, null);

    Version v2 = write(2, second, v1);

    Version kept = v2.previous();
    assertThat(v2.isHeldAsDelta()).isFalse();
    assertThat(v2.bytes()).isEqualTo(ItemBytes.encode(second));
    assertThat(kept.isHeldAsDelta()).isTrue();
    assertThat(kept.heldBytes()).isLessThan(24);
    assertThat(kept.at()).isEqualTo(1);
    assertThat(kept.bytes()).isEqualTo(ItemBytes.encode(first));
    assertThat(kept.image()).isEqualTo(first);
    assertThat(kept.size).isEqualTo(ItemSizes.size(first));
    assertThat(kept.previous()).isNull();
    assertThat(v2.depth()).isEqualTo(2);
    assertThat(v1.image()).as("a reader holding the replaced version").isEqualTo(first);
  }

  @Test
  void superseding_aVersionWithHistory_reExpressesItInPlaceForItsReaders() {
    Version v1 = write(1, item("w".repeat(100), 1), null);
    Version v2 = write(2, item("w".repeat(100), 2), v1);

    Version v3 = write(3, item("w".repeat(100), 3), v2);

    assertThat(v2.isHeldAsDelta()).isTrue();
    assertThat(v2.image()).isEqualTo(item("w".repeat(100), 2));
    assertThat(v3.previous()).isSameAs(v2);
    assertThat(v3.asOf(1).image()).isEqualTo(item("w".repeat(100), 1));
    assertThat(v3.depth()).isEqualTo(3);
  }

  @Test
  void superseding_whenAttributesAreRemovedOrReordered_rebuildsTheOldBytesExactly() {
    Map<String, AttributeValue> first = item("y".repeat(120), 1);
    Map<String, AttributeValue> second = new LinkedHashMap<>();
    second.put("payload", first.get("payload"));
    second.put("pk", first.get("pk"));
    second.put("added", AttributeValue.fromBool(true));
    Version v1 = write(1, first, null);

    Version v2 = write(2, second, v1);

    assertThat(v2.previous().isHeldAsDelta()).isTrue();
    assertThat(v2.previous().bytes()).isEqualTo(ItemBytes.encode(first));
    assertThat(v2.previous().image().keySet()).containsExactlyElementsOf(first.keySet());
    assertThat(v2.image()).isEqualTo(second);
  }

  @Test
  void superseding_whenNothingIsShared_keepsTheOldVersionInFull() {
    Map<String, AttributeValue> first = Map.of("pk", AttributeValue.fromS("a"));
    Version v1 = write(1, first, null);

    Version v2 = write(2, Map.of("pk", AttributeValue.fromS("b")), v1);

    assertThat(v2.previous()).isSameAs(v1);
    assertThat(v1.isHeldAsDelta()).isFalse();
    assertThat(v1.image()).isEqualTo(first);
  }

  @Test
  void superseding_aDeleteOrARecreate_keepsTheVersionsAroundTheDeleteInFull() {
    Map<String, AttributeValue> first = item("z".repeat(100), 1);
    Version v1 = write(1, first, null);
    Version gone = write(2, null, v1);
    Version back = write(3, item("z".repeat(100), 2), gone);

    assertThat(v1.isHeldAsDelta()).isFalse();
    assertThat(gone.exists()).isFalse();
    assertThat(gone.bytes()).isNull();
    assertThat(back.asOf(2).image()).isNull();
    assertThat(back.asOf(1).image()).isEqualTo(first);
  }

  @Test
  void superseding_manyUpdates_neverLeavesMoreDeltasInARowThanTheBound() {
    Version head = null;
    for (int i = 0; i < 100; i++) {
      head = write(i, item("p".repeat(100), i), head);
    }

    int run = 0;
    int deltas = 0;
    for (Version v = head.previous(); v != null; v = v.previous()) {
      run = v.isHeldAsDelta() ? run + 1 : 0;
      deltas += v.isHeldAsDelta() ? 1 : 0;
      assertThat(run).isLessThanOrEqualTo(Version.MAX_DELTA_RUN);
    }
    assertThat(deltas).isGreaterThan(80);
    for (int i = 0; i < 100; i++) {
      assertThat(head.asOf(i).image()).isEqualTo(item("p".repeat(100), i));
    }
  }

  @Test
  void alone_ofADelta_holdsTheFullImage() {
    Version v1 = write(1, item("q".repeat(100), 1), null);
    Version v2 = write(2, item("q".repeat(100), 2), v1);

    Version restored = v2.previous().alone(9);

    assertThat(restored.isHeldAsDelta()).isFalse();
    assertThat(restored.image()).isEqualTo(item("q".repeat(100), 1));
    assertThat(restored.previous()).isNull();
  }

  /**
   * Random chains of puts, single-attribute updates, removals, deletes, re-creates and prunes,
   * against a model that keeps every image in full: every instant of the chain restores to the
   * model's image, and every version ever handed out still decodes to its own image.
   */
  @Test
  void chains_ofRandomWritesAndPrunes_restoreEveryInstantAsFullCopiesWould() {
    int deltas = 0;
    for (long seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      List<Long> ats = new ArrayList<>();
      List<Map<String, AttributeValue>> images = new ArrayList<>();
      List<Version> handedOut = new ArrayList<>();
      List<Map<String, AttributeValue>> handedOutImages = new ArrayList<>();
      Version head = null;
      Map<String, AttributeValue> current = null;
      long horizon = Long.MIN_VALUE;
      long at = 0;
      for (int step = 0; step < 200; step++) {
        at += random.nextInt(3); // several versions may share an instant
        int op = random.nextInt(20);
        if (op == 0 && head != null) {
          long cut = at - random.nextInt(10);
          head.pruneBefore(cut);
          horizon = Math.max(horizon, cut);
          continue;
        }
        Map<String, AttributeValue> next;
        if (op == 1 || (op == 2 && current == null)) {
          next = null;
        } else if (current == null || op == 3) {
          next = randomItem(random);
        } else {
          next = new LinkedHashMap<>(current);
          String name = "a" + random.nextInt(12);
          if (op == 4 && next.size() > 1) {
            next.remove(name);
          } else {
            next.put(name, randomValue(random));
          }
        }
        head = write(at, next, head);
        current = next;
        ats.add(at);
        images.add(next);
        handedOut.add(head);
        handedOutImages.add(next);
      }
      for (long t = 0; t <= at; t++) {
        Map<String, AttributeValue> expected = null;
        boolean known = false;
        for (int i = 0; i < ats.size(); i++) {
          if (ats.get(i) <= t) {
            expected = images.get(i);
            known = true;
          }
        }
        Version v = head.asOf(t);
        if (t < horizon && v == null) {
          continue; // pruned away: no restore may ask for it
        }
        String where = "seed " + seed + " instant " + t;
        if (!known) {
          assertThat(v).as(where).isNull();
        } else {
          assertThat(v).as(where).isNotNull();
          assertThat(v.image()).as(where).isEqualTo(expected);
          assertThat(v.bytes())
              .as(where)
              .isEqualTo(expected == null ? null : ItemBytes.encode(expected));
        }
      }
      for (Version v = head; v != null; v = v.previous()) {
        deltas += v.isHeldAsDelta() ? 1 : 0;
      }
      for (int i = 0; i < handedOut.size(); i++) {
        assertThat(handedOut.get(i).image())
            .as("seed " + seed + " version " + i)
            .isEqualTo(handedOutImages.get(i));
      }
    }
    assertThat(deltas).as("versions held as deltas over all seeds").isGreaterThan(500);
  }

  private static Map<String, AttributeValue> randomItem(Random random) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put("pk", AttributeValue.fromS("k"));
    int n = random.nextInt(10);
    for (int i = 0; i < n; i++) {
      item.put("a" + random.nextInt(12), randomValue(random));
    }
    return item;
  }

  private static AttributeValue randomValue(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> AttributeValue.fromS("s".repeat(random.nextInt(200)));
      case 1 -> AttributeValue.fromN(Integer.toString(random.nextInt(1000)));
      case 2 -> AttributeValue.fromBool(random.nextBoolean());
      case 3 -> AttributeValue.fromNul(true);
      case 4 -> AttributeValue.fromB(SdkBytes.fromByteArray(new byte[random.nextInt(40)]));
      case 5 -> AttributeValue.fromL(List.of(AttributeValue.fromS("é"), AttributeValue.fromN("1")));
      case 6 -> AttributeValue.fromM(Map.of("in", AttributeValue.fromSs(List.of("x", "y"))));
      default -> AttributeValue.fromS("short");
    };
  }

  @Test
  void readers_racingWritesAndPrunes_alwaysDecodeTheImageTheirVersionWasWrittenWith()
      throws Exception {
    AtomicReference<Version> head = new AtomicReference<>(write(0, item("r".repeat(80), 0), null));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] readers = new Thread[2];
    for (int r = 0; r < readers.length; r++) {
      readers[r] =
          new Thread(
              () -> {
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    Version h = head.get();
                    for (Version v = h; v != null; v = v.previous()) {
                      int serial = (int) v.at();
                      if (!v.image().equals(item("r".repeat(80), serial))) {
                        throw new AssertionError("version at " + v.at() + " decoded wrongly");
                      }
                    }
                  }
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                }
              });
      readers[r].start();
    }
    for (int i = 1; i <= 3000 && failure.get() == null; i++) {
      head.set(write(i, item("r".repeat(80), i), head.get()));
      if (i % 50 == 0) {
        head.get().pruneBefore(i - 30);
      }
    }
    for (Thread t : readers) {
      t.interrupt();
      t.join();
    }
    assertThat(failure.get()).isNull();
  }

  @Test
  void durableChain_ofDeltas_isWrittenInFullAndLoadsBackSharingAgain() {
    Version head = null;
    for (int i = 0; i < 12; i++) {
      head = write(i, item("d".repeat(100), i), head);
    }
    head = write(12, null, head);
    head = write(13, item("d".repeat(100), 13), head);

    Version back = ItemCodec.decodeChain(ItemCodec.encodeChain(head));

    assertThat(back.depth()).isEqualTo(14);
    assertThat(back.previous().exists()).isFalse();
    int deltas = 0;
    for (Version v = back.previous().previous(); v != null; v = v.previous()) {
      deltas += v.isHeldAsDelta() ? 1 : 0;
    }
    assertThat(deltas).isGreaterThan(8);
    for (int i = 0; i < 12; i++) {
      assertThat(back.asOf(i).image()).isEqualTo(item("d".repeat(100), i));
      assertThat(back.asOf(i).size).isEqualTo(ItemSizes.size(item("d".repeat(100), i)));
    }
    assertThat(back.image()).isEqualTo(item("d".repeat(100), 13));
  }

  /**
   * A chain as a data directory written before versions shared their bytes holds it: format 2,
   * every version's full encoding, written here byte by byte rather than by today's encoder.
   */
  @Test
  void durableChain_writtenBeforeVersionsSharedBytes_stillLoads() throws IOException {
    Map<String, AttributeValue> old = item("e".repeat(100), 1);
    Map<String, AttributeValue> now = item("e".repeat(100), 2);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(2);
    out.writeInt(3);
    out.writeLong(30);
    writeImage(out, now);
    out.writeLong(20);
    out.writeInt(-1);
    out.writeLong(10);
    writeImage(out, old);

    Version back = ItemCodec.decodeChain(bytes.toByteArray());

    assertThat(back.depth()).isEqualTo(3);
    assertThat(back.image()).isEqualTo(now);
    assertThat(back.asOf(25).exists()).isFalse();
    assertThat(back.asOf(15).image()).isEqualTo(old);
    assertThat(back.asOf(15).size).isEqualTo(ItemSizes.size(old));
  }

  private static void writeImage(DataOutputStream out, Map<String, AttributeValue> image)
      throws IOException {
    byte[] data = ItemBytes.encode(image);
    out.writeInt((int) ItemSizes.size(image));
    out.writeInt(data.length);
    out.write(data);
  }
}
