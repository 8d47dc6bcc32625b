package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DirectTableTest {
  private static StoreKey key(String p) {
    return StoreKey.of(AttributeValue.fromS(p), null);
  }

  private static Map<String, AttributeValue> item(AttributeValue pk, int serial) {
    return Map.of(
        "other",
        AttributeValue.fromS("x" + serial),
        "pk",
        pk,
        "v",
        AttributeValue.fromN(Integer.toString(serial)));
  }

  private static Version version(String p, int serial, Version previous) {
    return new Version(serial, item(AttributeValue.fromS(p), serial), previous);
  }

  private static String pkOf(byte[] image) {
    return ItemBytes.decode(image).get("pk").s();
  }

  private static int serialOf(byte[] image) {
    return Integer.parseInt(ItemBytes.decode(image).get("v").n());
  }

  /** What the buckets say the key's live image is. */
  private static byte[] live(ItemIndex index, StoreKey k) {
    Version v = index.get(k);
    return v == null ? null : v.bytes();
  }

  @Test
  void image_afterRandomInsertsReplacementsTombstonesAndRemovals_isTheBucketsLiveImage() {
    ItemIndex index = new ItemIndex(false, "pk");
    Map<String, Version> reference = new HashMap<>();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 60_000; i++) {
      if (i == 30_000) {
        // A read asks for the table; the next write builds it from the buckets, and the writes
        // after it keep it.
        assertThat(index.hasDirectTable()).isFalse();
        index.image(key("p1"));
        assertThat(index.wantsDirectTable()).isTrue();
      }
      String p = "p" + random.nextInt(20_000);
      StoreKey k = key(p);
      int op = random.nextInt(10);
      if (op == 0) {
        assertThat(index.remove(k) != null).isEqualTo(reference.remove(p) != null);
      } else {
        Version previous = reference.get(p);
        Version v =
            op == 1
                ? new Version(i, (Map<String, AttributeValue>) null, previous)
                : op == 2
                    ? Version.superseding(i, item(AttributeValue.fromS(p), i), 40, previous)
                    : version(p, i, null);
        index.put(k, v);
        reference.put(p, v);
      }
    }
    assertThat(index.hasDirectTable()).isTrue();
    assertThat(index.wantsDirectTable()).isFalse();
    for (int i = 0; i < 20_000; i++) {
      StoreKey k = key("p" + i);
      Version v = reference.get("p" + i);
      byte[] image = index.image(k);
      assertThat(image).isEqualTo(v == null ? null : v.bytes());
      assertThat(image).isEqualTo(live(index, k));
      if (image != null) {
        assertThat(pkOf(image)).isEqualTo("p" + i);
      }
    }
    assertThat(index.image(key("absent"))).isNull();
  }

  @Test
  void find_ofItemsWhoseHashesAreEqual_answersEachByItsKeyAndNoneForAnotherKey() {
    DirectTable table = new DirectTable("pk");
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] image = version("c" + i, i, null).bytes();
      images.add(image);
      // Hashes 0 and 1 share a slot tag; 7 is every other item's.
      table.insert(i < 2 ? i : 7, image);
    }
    for (int i = 0; i < 200; i++) {
      byte[] k = key("c" + i).bytes();
      assertThat(table.find(i < 2 ? i : 7, k, k.length)).isSameAs(images.get(i));
    }
    byte[] other = key("c999").bytes();
    assertThat(table.find(7, other, other.length)).isNull();
    byte[] first = key("c0").bytes();
    assertThat(table.find(1, first, first.length)).isSameAs(images.get(0));

    table.remove(7, images.get(5));
    byte[] fifth = key("c5").bytes();
    assertThat(table.find(7, fifth, fifth.length)).isNull();
    byte[] sixth = key("c6").bytes();
    assertThat(table.find(7, sixth, sixth.length)).isSameAs(images.get(6));
    // Replaced, the item's slot goes stale: its reads, and only its tag's, ask the buckets.
    table.replace(7, images.get(6));
    assertThat(table.find(7, sixth, sixth.length)).isSameAs(DirectTable.UNSURE);
    assertThat(table.find(0, first, first.length)).isSameAs(images.get(0));
    assertThat(table.stale()).isEqualTo(1);
    assertThat(table.size()).isEqualTo(199);
  }

  @Test
  void aStaleSlot_isNeverReused_staysStaleWhenItsItemIsReplacedOrRemovedAgain_andBlocksGrowing() {
    DirectTable table = new DirectTable("pk");
    byte[] a = version("a", 1, null).bytes();
    byte[] a2 = version("a", 2, null).bytes();
    byte[] ka = key("a").bytes();
    table.insert(5, a);
    table.replace(5, a);
    // A new item of the same hash takes another slot; the stale one still sends "a" to the buckets.
    byte[] b = version("b", 1, null).bytes();
    byte[] kb = key("b").bytes();
    table.insert(5, b);
    assertThat(table.find(5, kb, kb.length)).isSameAs(b);
    assertThat(table.find(5, ka, ka.length)).isSameAs(DirectTable.UNSURE);
    // The buckets' next value for "a" is in no slot: replacing or removing it again changes
    // nothing.
    table.replace(5, a2);
    assertThat(table.stale()).isEqualTo(1);
    table.remove(5, a2);
    assertThat(table.find(5, ka, ka.length)).isSameAs(DirectTable.UNSURE);
    assertThat(table.size()).isEqualTo(1);
    // An item in no slot, and no stale slot of its tag: the table and its buckets disagree.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> table.replace(9, a))
        .isInstanceOf(IllegalStateException.class);
    for (int i = 0; !table.mustRebuildToInsert(); i++) {
      table.insert(100 + i, version("g" + i, i, null).bytes());
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> table.insert(99, version("x", 1, null).bytes()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void image_afterAQuarterOfTheItemsAreReplaced_isServedByARebuiltTableWithNoStaleSlots() {
    ItemIndex index = new ItemIndex(false, "pk");
    for (int i = 0; i < 4_000; i++) {
      index.put(key("q" + i), version("q" + i, 1, null));
    }
    index.buildDirectTable();
    DirectTable first = index.directTable();
    for (int i = 0; i < 1_000; i++) {
      index.put(key("q" + i), version("q" + i, 2, null));
    }
    assertThat(index.directTable()).isSameAs(first);
    assertThat(first.stale()).isEqualTo(1_000);
    for (int i = 1_000; i < 1_100; i++) {
      index.put(key("q" + i), version("q" + i, 2, null));
    }
    DirectTable rebuilt = index.directTable();
    assertThat(rebuilt).isNotSameAs(first);
    assertThat(rebuilt.stale()).isLessThan(100);
    assertThat(rebuilt.size()).isEqualTo(4_000);
    for (int i = 0; i < 4_000; i++) {
      byte[] k = key("q" + i).bytes();
      Object found = rebuilt.find(key("q" + i).hash(), k, k.length);
      assertThat(found).isNotNull();
      if (found != DirectTable.UNSURE) {
        assertThat(serialOf((byte[]) found)).isEqualTo(i < 1_100 ? 2 : 1);
      }
      assertThat(serialOf(index.image(key("q" + i)))).isEqualTo(i < 1_100 ? 2 : 1);
    }
  }

  @Test
  void image_whenTheImageHoldsTheKeyNumberInAnotherForm_asksTheBuckets() {
    ItemIndex index = new ItemIndex(false, "pk");
    StoreKey k = StoreKey.of(AttributeValue.fromN("1"), null);
    Version v = new Version(5, item(AttributeValue.fromN("1.0"), 5), null);
    index.put(k, v);
    index.buildDirectTable();
    byte[] bytes = k.bytes();
    DirectTable table = new DirectTable("pk");
    table.insert(k.hash(), v.bytes());

    assertThat(table.find(k.hash(), bytes, bytes.length)).isSameAs(DirectTable.UNSURE);
    assertThat(index.image(k)).isSameAs(v.bytes());
    assertThat(index.image(StoreKey.of(AttributeValue.fromN("2"), null))).isNull();
  }

  @Test
  void image_ofNonAsciiAndBinaryKeys_findsTheirItems() {
    ItemIndex index = new ItemIndex(false, "pk");
    AttributeValue[] keys = {
      AttributeValue.fromS("é\uD83D\uDE00x"),
      AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[] {0, -1})),
      AttributeValue.fromN("42")
    };
    for (int i = 0; i < keys.length; i++) {
      index.put(StoreKey.of(keys[i], null), new Version(i, item(keys[i], i), null));
    }
    index.buildDirectTable();
    assertThat(index.hasDirectTable()).isTrue();
    for (int i = 0; i < keys.length; i++) {
      byte[] image = index.image(StoreKey.of(keys[i], null));
      assertThat(image).isNotNull();
      assertThat(serialOf(image)).isEqualTo(i);
    }
  }

  @Test
  void copyAsOf_anInstant_leavesTheRestoredIndexWithoutATable_whichBuiltHoldsTheItemsLiveThen() {
    ItemIndex source = new ItemIndex(false, "pk");
    for (int i = 0; i < 5_000; i++) {
      source.put(key("r" + i), version("r" + i, 10, null));
    }
    for (int i = 0; i < 5_000; i += 3) {
      Version before = source.get(key("r" + i));
      source.put(
          key("r" + i),
          i % 2 == 0
              ? new Version(20, (Map<String, AttributeValue>) null, before)
              : Version.superseding(20, item(AttributeValue.fromS("r" + i), 20), 40, before));
    }
    for (int i = 5_000; i < 6_000; i++) {
      source.put(key("r" + i), version("r" + i, 20, null));
    }
    source.buildDirectTable();
    ItemIndex restored = new ItemIndex(false, "pk");
    assertThat(restored.copyAsOf(source, 15, 30).items()).isEqualTo(5_000);
    assertThat(restored.hasDirectTable()).isFalse();
    restored.buildDirectTable();
    assertThat(restored.hasDirectTable()).isTrue();
    for (int i = 0; i < 6_000; i++) {
      byte[] image = restored.image(key("r" + i));
      if (i < 5_000) {
        assertThat(image).isNotNull();
        assertThat(serialOf(image)).isEqualTo(10);
        assertThat(pkOf(image)).isEqualTo("r" + i);
      } else {
        assertThat(image).isNull();
      }
    }
    restored.put(key("r3"), version("r3", 40, null));
    restored.remove(key("r1"));
    assertThat(serialOf(restored.image(key("r3")))).isEqualTo(40);
    assertThat(restored.image(key("r1"))).isNull();
    assertThat(serialOf(source.image(key("r3")))).isEqualTo(20);
    assertThat(serialOf(source.image(key("r1")))).isEqualTo(10);
    assertThat(source.image(key("r0"))).isNull();
  }

  @Test
  void image_readWhileOneWriterBuildsUpdatesDeletesAndGrowsTheTable_alwaysSeesAWholeItemOfItsKey()
      throws Exception {
    ItemIndex index = new ItemIndex(false, "pk");
    int stable = 2_000;
    for (int i = 0; i < stable; i++) {
      index.put(key("s" + i), version("s" + i, 0, null));
    }
    AtomicInteger readerPasses = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    AtomicInteger writerDone = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              SplittableRandom random = new SplittableRandom(3);
              while (writerDone.get() == 0 || readerPasses.get() < 2) {
                for (int j = 0; j < 1_000 && failure.get() == null; j++) {
                  String p = "s" + random.nextInt(stable);
                  byte[] image = index.image(key(p));
                  if (image == null || !pkOf(image).equals(p)) {
                    failure.set(
                        "stable item " + p + " read as " + (image == null ? null : pkOf(image)));
                  }
                  String q = "c" + random.nextInt(5_000);
                  byte[] churned = index.image(key(q));
                  if (churned != null && !pkOf(churned).equals(q)) {
                    failure.set("item " + q + " read as " + pkOf(churned));
                  }
                }
                readerPasses.incrementAndGet();
              }
            });
    reader.start();
    while (readerPasses.get() == 0 && reader.isAlive()) {
      Thread.onSpinWait();
    }
    SplittableRandom random = new SplittableRandom(5);
    Map<String, Version> latest = new HashMap<>();
    for (int i = 1; i <= 150_000 && failure.get() == null; i++) {
      int op = random.nextInt(4);
      if (op == 0) {
        String p = "s" + random.nextInt(stable);
        Version before = index.get(key(p));
        index.put(
            key(p),
            random.nextBoolean()
                ? version(p, i, null)
                : Version.superseding(i, item(AttributeValue.fromS(p), i), 40, before));
      } else if (op == 1) {
        String q = "c" + random.nextInt(5_000);
        index.remove(key(q));
        latest.remove(q);
      } else if (op == 2) {
        String q = "c" + random.nextInt(5_000);
        Version v = version(q, i, latest.get(q));
        index.put(key(q), v);
        latest.put(q, v);
      } else {
        // New items grow the table and the directory under the reader.
        index.put(key("g" + i), version("g" + i, i, null));
      }
    }
    writerDone.set(1);
    reader.join();
    assertThat(failure.get()).isNull();
    // The reader's first read asked for the table; one of the writes built it under the reader.
    assertThat(index.hasDirectTable()).isTrue();
    assertThat(readerPasses.get()).isGreaterThanOrEqualTo(2);
    for (Map.Entry<String, Version> e : latest.entrySet()) {
      assertThat(index.image(key(e.getKey()))).isSameAs(e.getValue().bytes());
    }
  }
}
