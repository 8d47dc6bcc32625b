package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The packed bucket layout, through {@link ItemIndex}: keys held in their item's image or packed in
 * one array per bucket, across recent inserts, merges, in-place version records, removals,
 * directory growth and restores.
 */
class IndexBucketTest {
  enum Kind {
    /** ASCII strings of 1 to 300 chars or so: held in the image. */
    ASCII,
    /** Strings with non-ASCII chars, whose key encoding differs from UTF-8: packed. */
    WIDE,
    NUMBER,
    BINARY
  }

  private static AttributeValue keyValue(Kind kind, int id) {
    return switch (kind) {
      case ASCII -> AttributeValue.fromS(id % 7 == 0 ? "" + id : "k" + id + "x".repeat(id % 300));
      case WIDE -> AttributeValue.fromS("ключ-" + id + "-é".repeat(id % 5));
      case NUMBER -> AttributeValue.fromN(id % 3 == 0 ? (id * 37 - 5000) + ".5" : "" + (id - 300));
      case BINARY -> {
        byte[] b = new byte[1 + id % 40];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) (id * 31 + i * 7);
        }
        yield AttributeValue.fromB(SdkBytes.fromByteArray(b));
      }
    };
  }

  /** A table key; with {@code collide} its hash is one of 8, so many keys share each hash. */
  private static StoreKey key(Kind kind, int id, boolean collide) {
    StoreKey k = StoreKey.of(keyValue(kind, id), null);
    return collide ? StoreKey.stored(k.hash() & 0xE0000000L, k.bytes()) : k;
  }

  private static Map<String, AttributeValue> image(StoreKey k, int serial) {
    Map<String, AttributeValue> image = new LinkedHashMap<>();
    image.put("serial", AttributeValue.fromN(Integer.toString(serial)));
    image.put("pk", k.partition());
    return image;
  }

  private static List<String> entries(Iterator<Map.Entry<StoreKey, Version>> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(
        e -> out.add(e.getKey() + "@" + e.getValue().at() + "=" + e.getValue().image()));
    return out;
  }

  private static void assertSame(ItemIndex index, TreeMap<StoreKey, Version> reference) {
    assertThat(index.size()).isEqualTo(reference.size());
    assertThat(entries(index.entrySet().iterator()))
        .isEqualTo(entries(reference.entrySet().iterator()));
    for (Map.Entry<StoreKey, Version> e : reference.entrySet()) {
      Version got = index.get(e.getKey());
      assertThat(got.at()).isEqualTo(e.getValue().at());
      assertThat(got.image()).isEqualTo(e.getValue().image());
    }
  }

  /**
   * Random writes as the engine makes them: lone images (a new item, or a put without history),
   * version records over them (an update with history, in place), tombstones and removals.
   */
  private static TreeMap<StoreKey, Version> write(
      ItemIndex index, Kind kind, boolean collide, int ops, int keys, long seed) {
    TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 1; i <= ops; i++) {
      StoreKey k = key(kind, random.nextInt(keys), collide);
      Version current = reference.get(k);
      int op = random.nextInt(10);
      if (op == 0) {
        assertThat(index.remove(k) != null).isEqualTo(reference.remove(k) != null);
        continue;
      }
      Version v;
      if (op <= 5 || current == null) {
        v = new Version(i, image(k, i), null);
      } else if (op <= 8) {
        v = new Version(i, image(k, i), current);
      } else {
        v = new Version(i, (Map<String, AttributeValue>) null, current);
      }
      index.put(k, v);
      reference.put(k, v);
      if (i % 2_500 == 0) {
        assertSame(index, reference);
      }
    }
    assertSame(index, reference);
    return reference;
  }

  @Test
  void writes_ofKeysOfEveryTypeAndLength_keepEveryItemFindableAndInScanOrder() {
    for (Kind kind : Kind.values()) {
      for (boolean collide : new boolean[] {false, true}) {
        write(new ItemIndex(false), kind, collide, 12_000, 2_000, kind.ordinal());
      }
    }
  }

  @Test
  void inserts_beyondTheRecentSlots_areMergedInOrderAndStayFindable() {
    ItemIndex index = new ItemIndex(false);
    TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
    for (int id = 0; id < 40 * IndexBucket.RECENT; id++) {
      StoreKey k = key(Kind.ASCII, id, true);
      Version v = new Version(id, image(k, id), null);
      index.put(k, v);
      reference.put(k, v);
      assertThat(index.get(k).image()).isEqualTo(v.image());
    }
    assertSame(index, reference);
  }

  @Test
  void versionRecords_replacingImagesThatHeldTheirKeys_leaveTheKeysReadable() {
    ItemIndex index = new ItemIndex(false);
    TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
    for (int id = 0; id < 3_000; id++) {
      StoreKey k = key(Kind.ASCII, id, id % 2 == 0);
      Version v = new Version(1, image(k, id), null);
      index.put(k, v);
      reference.put(k, v);
    }
    for (Map.Entry<StoreKey, Version> e : reference.entrySet()) {
      Version v = new Version(2, (Map<String, AttributeValue>) null, e.getValue());
      index.put(e.getKey(), v);
      e.setValue(v);
    }
    assertSame(index, reference);
    for (StoreKey k : List.copyOf(reference.keySet())) {
      if (k.hashCode() % 3 == 0) {
        index.remove(k);
        reference.remove(k);
      }
    }
    assertSame(index, reference);
  }

  @Test
  void versionRecords_whoseImageHoldsTheKey_areFoundEvenOnceReExpressedAsADelta() {
    // An update that leaves the key where it was references the key in the record's own image
    // (no side slot). The writer re-expresses that record as a delta against its successor just
    // before it publishes the successor: a reader in between must still find the key.
    ItemIndex index = new ItemIndex(false);
    TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
    for (int id = 0; id < 2_000; id++) {
      StoreKey k = key(Kind.ASCII, id, id % 2 == 0);
      Version v = new Version(1, padded(k, 1), null);
      for (int serial = 2; serial <= 3; serial++) {
        v = Version.superseding(serial, padded(k, serial), 300, v);
        index.put(k, v);
      }
      Version successor = Version.superseding(4, padded(k, 4), 300, v);
      assertThat(v.isHeldAsDelta()).isTrue();
      assertThat(index.get(k)).isSameAs(v);
      index.put(k, successor);
      reference.put(k, successor);
    }
    assertSame(index, reference);
    for (Map.Entry<StoreKey, Version> e : reference.entrySet()) {
      assertThat(e.getValue().asOf(1).image()).isEqualTo(padded(e.getKey(), 1));
    }
  }

  /** An image large enough that a one-digit change is held as a delta. */
  private static Map<String, AttributeValue> padded(StoreKey k, int serial) {
    Map<String, AttributeValue> image = image(k, serial);
    image.put("payload", AttributeValue.fromS("p".repeat(200)));
    return image;
  }

  @Test
  void readers_whileTheWriterReplacesImagesInPlace_alwaysFindEveryItem() throws Exception {
    ItemIndex index = new ItemIndex(false);
    List<StoreKey> keys = new ArrayList<>();
    for (int id = 0; id < 2_000; id++) {
      StoreKey k = key(Kind.ASCII, id, true);
      keys.add(k);
      index.put(k, new Version(1, image(k, id), null));
    }
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              for (int round = 0; round < 20; round++) {
                for (StoreKey k : keys) {
                  Version v = index.get(k);
                  if (v == null || !k.partition().equals(lastImage(v).get("pk"))) {
                    failure.compareAndSet(null, "lost " + k + " in round " + round);
                  }
                }
              }
            });
    reader.start();
    for (int serial = 2; serial < 12; serial++) {
      for (StoreKey k : keys) {
        Version current = index.get(k);
        index.put(k, new Version(serial, image(k, serial), serial % 3 == 0 ? null : current));
      }
    }
    reader.join();
    assertThat(failure.get()).isNull();
  }

  @Test
  void readers_whileTheWriterInsertsMergesAndRemoves_alwaysFindEveryKeyInsertedAndKept()
      throws Exception {
    // Repeated: the race (a bucket published while a reader searches the one it read) is short.
    for (int pass = 0; pass < 6; pass++) {
      boolean composite = pass % 2 == 1;
      ItemIndex index = new ItemIndex(composite);
      int total = 6_000;
      List<StoreKey> keys = new ArrayList<>();
      for (int id = 0; id < total; id++) {
        // Every fourth key shares one of 8 hashes: buckets that fill their recent slots and merge
        // (publishing a new sorted part) while readers search them.
        StoreKey k = key(Kind.ASCII, id, id % 4 == 0);
        keys.add(composite ? StoreKey.of(k.partition(), AttributeValue.fromN("" + id)) : k);
      }
      java.util.concurrent.atomic.AtomicInteger inserted =
          new java.util.concurrent.atomic.AtomicInteger();
      AtomicReference<String> failure = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(7);
                while (inserted.get() < total && failure.get() == null) {
                  int upTo = inserted.get();
                  for (int n = 0; n < 200 && upTo > 0; n++) {
                    StoreKey k = keys.get(random.nextInt(upTo));
                    if (index.get(k) == null) {
                      failure.compareAndSet(null, "lost " + k + " of " + upTo + " inserted");
                    }
                  }
                }
              });
      reader.start();
      for (int id = 0; id < total; id++) {
        StoreKey k = keys.get(id);
        index.put(k, new Version(id, image(k, id), null));
        // A key that comes and goes beside the kept ones: removals publish new sorted parts too.
        StoreKey churn = StoreKey.of(AttributeValue.fromS("churn-" + (id % 50)), null);
        StoreKey gone =
            composite ? StoreKey.of(churn.partition(), AttributeValue.fromN("1")) : churn;
        if (index.remove(gone) == null) {
          index.put(gone, new Version(id, image(gone, id), null));
        }
        inserted.set(id + 1);
      }
      reader.join();
      assertThat(failure.get()).as(composite ? "composite" : "hash-only").isNull();
      for (StoreKey k : keys) {
        assertThat(index.get(k)).as("%s", k).isNotNull();
      }
    }
  }

  private static Map<String, AttributeValue> lastImage(Version v) {
    while (!v.exists()) {
      v = v.previous();
    }
    return v.image();
  }

  @Test
  void copyAsOf_ofImagesHoldingTheirKeys_sharesTheImageBytes() {
    for (Kind kind : Kind.values()) {
      ItemIndex source = new ItemIndex(false);
      TreeMap<StoreKey, Version> reference = write(source, kind, false, 6_000, 1_500, 11);
      ItemIndex copy = new ItemIndex(false);
      copy.copyAsOf(source, Long.MAX_VALUE, 99);
      TreeMap<StoreKey, Version> expected = new TreeMap<>(StoreKey.ORDER);
      for (Map.Entry<StoreKey, Version> e : reference.entrySet()) {
        if (e.getValue().exists()) {
          expected.put(e.getKey(), e.getValue().alone(99));
        }
      }
      assertSame(copy, expected);
      for (StoreKey k : expected.keySet()) {
        assertThat(copy.get(k).bytes()).isSameAs(source.get(k).bytes());
      }
      // Writes to the copy leave the source as it was, and the copy's other items at their time.
      int n = 0;
      for (StoreKey k : expected.keySet()) {
        if (n++ % 2 == 0) {
          Version v = new Version(1_000_000, image(k, 1), null);
          copy.put(k, v);
          expected.put(k, v);
        }
      }
      assertSame(copy, expected);
      assertThat(source.get(expected.firstKey()).at()).isLessThan(1_000_000);
      assertSame(source, reference);
    }
  }

  @Test
  void lookups_inBucketsWhoseHashesCrowdIntoOnePlace_findEveryKeyAndNoOther() {
    // A point read starts where a hash falls in its bucket's range: hashes that are not spread
    // evenly (all at the bottom, all at the top, in a narrow band) must still be found.
    long[][] crowds = {
      {0xFFC0_0000L, 0}, {0xFFC0_0000L, 0x003F_FFFFL}, {0xFFC0_00FFL, 0x0020_0000L}
    };
    for (long[] crowd : crowds) {
      ItemIndex index = new ItemIndex(false);
      TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
      for (int id = 0; id < 6_000; id++) {
        StoreKey k = crowded(id, crowd);
        Version v = new Version(id, image(k, id), null);
        index.put(k, v);
        reference.put(k, v);
        if (id % 500 == 0) {
          assertThat(index.get(k).image()).isEqualTo(v.image());
        }
      }
      assertSame(index, reference);
      for (int id = 6_000; id < 7_000; id++) {
        assertThat(index.get(crowded(id, crowd))).isNull();
      }
      for (int id = 0; id < 6_000; id += 3) {
        StoreKey k = crowded(id, crowd);
        index.remove(k);
        reference.remove(k);
      }
      assertSame(index, reference);
    }
  }

  /** Key {@code id} with its hash's bits outside {@code crowd[0]} replaced by {@code crowd[1]}. */
  private static StoreKey crowded(int id, long[] crowd) {
    StoreKey k = StoreKey.of(keyValue(Kind.ASCII, id), null);
    return StoreKey.stored((k.hash() & crowd[0]) | crowd[1], k.bytes());
  }

  @Test
  void compositeTables_packTheirPartitionKeys_andKeepSortKeysInOrder() {
    for (Kind kind : Kind.values()) {
      ItemIndex index = new ItemIndex(true);
      TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
      SplittableRandom random = new SplittableRandom(kind.ordinal());
      for (int i = 0; i < 8_000; i++) {
        int id = random.nextInt(700);
        StoreKey k =
            StoreKey.of(keyValue(kind, id), AttributeValue.fromN(Integer.toString(i % 13)));
        if (random.nextInt(8) == 0) {
          index.remove(k);
          reference.remove(k);
        } else {
          Version v = new Version(i, image(k, i), reference.get(k));
          index.put(k, v);
          reference.put(k, v);
        }
      }
      assertSame(index, reference);
      AttributeValue p = reference.firstKey().partition();
      assertThat(index.partition(p).keySet())
          .containsExactlyElementsOf(
              reference.subMap(StoreKey.partitionStart(p), StoreKey.partitionEnd(p)).keySet());
    }
  }

  @Test
  void times_spanningMoreThanAnIntOfMillisecondsInABucket_areKeptExactly() {
    ItemIndex index = new ItemIndex(false);
    TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
    long day = 86_400_000L;
    for (int id = 0; id < 3_000; id++) {
      StoreKey k = key(Kind.ASCII, id, true);
      long at = id % 2 == 0 ? 1_700_000_000_000L + id : id * 30 * day;
      Version v = new Version(at, image(k, id), null);
      index.put(k, v);
      reference.put(k, v);
    }
    assertSame(index, reference);
    ItemIndex copy = new ItemIndex(false);
    copy.copyAsOf(index, 1_700_000_000_000L + 1_000, 5);
    for (Map.Entry<StoreKey, Version> e : reference.entrySet()) {
      boolean live = e.getValue().at() <= 1_700_000_000_000L + 1_000;
      Version got = copy.get(e.getKey());
      assertThat(got == null ? -1 : got.at()).isEqualTo(live ? 5 : -1);
    }
  }

  @Test
  void keyRefs_findTheKeyValueAnywhereInAnImage_orReportItMissing() {
    byte[] key = StoreKey.of(AttributeValue.fromS("abc"), null).bytes();
    byte[] image = "xxabcyy".getBytes(StandardCharsets.US_ASCII);
    int ref = KeyRefs.find(image, key, key.length);
    assertThat(ref).isNotNegative();
    assertThat(KeyRefs.compare(ref, image, key, key.length)).isZero();
    byte[] out = new byte[KeyRefs.encodedRoom(ref)];
    assertThat(KeyRefs.encode(ref, image, out, 0)).isEqualTo(key.length);
    assertThat(out).startsWith(key);
    assertThat(KeyRefs.find("xxabyy".getBytes(StandardCharsets.US_ASCII), key, key.length))
        .isEqualTo(-1);
    byte[] wide = StoreKey.of(AttributeValue.fromS("é"), null).bytes();
    assertThat(KeyRefs.find("é".getBytes(StandardCharsets.UTF_8), wide, wide.length)).isEqualTo(-1);
  }
}
