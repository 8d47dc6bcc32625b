package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemIndexTest {
  private static StoreKey key(int p, Integer s) {
    return StoreKey.of(
        AttributeValue.fromS("p" + p),
        s == null ? null : AttributeValue.fromN(Integer.toString(s)));
  }

  private static Version version(int serial) {
    return new Version(serial, Map.of("v", AttributeValue.fromN(Integer.toString(serial))), null);
  }

  /** Random puts, replacements and removals, mirrored in a skip-list-ordered reference map. */
  private static TreeMap<StoreKey, Version> fill(ItemIndex index, boolean composite, int ops) {
    TreeMap<StoreKey, Version> reference = new TreeMap<>(StoreKey.ORDER);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < ops; i++) {
      StoreKey k = key(random.nextInt(ops / 3), composite ? random.nextInt(5) : null);
      if (random.nextInt(10) == 0) {
        assertThat(index.remove(k) != null).isEqualTo(reference.remove(k) != null);
      } else {
        Version v = version(i);
        if (random.nextBoolean()) {
          v = new Version(i + 1, (Map<String, AttributeValue>) null, v);
        }
        index.put(k, v);
        reference.put(k, v);
      }
    }
    return reference;
  }

  private static List<String> keys(Iterator<Map.Entry<StoreKey, Version>> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(e -> out.add(e.getKey() + "@" + e.getValue().at()));
    return out;
  }

  private static List<String> keys(Map<StoreKey, Version> map) {
    return keys(map.entrySet().iterator());
  }

  @Test
  void scan_ofHashOnlyAndCompositeTables_walksTheirItemsInStoreKeyOrderAcrossDirectoryGrowth() {
    for (boolean composite : new boolean[] {false, true}) {
      ItemIndex index = new ItemIndex(composite);
      TreeMap<StoreKey, Version> reference = fill(index, composite, 30_000);
      assertThat(index.size()).isEqualTo(reference.size());
      assertThat(keys(index)).isEqualTo(keys(reference));
      for (StoreKey k : reference.keySet()) {
        assertThat(index.get(k).at()).isEqualTo(reference.get(k).at());
      }
    }
  }

  @Test
  void scan_fromAnExclusiveStartKeyInASegment_resumesRightAfterIt() {
    for (boolean composite : new boolean[] {false, true}) {
      ItemIndex index = new ItemIndex(composite);
      TreeMap<StoreKey, Version> reference = fill(index, composite, 6_000);
      long from = StoreKey.segmentStart(1, 3);
      long to = StoreKey.segmentStart(2, 3);
      TreeMap<StoreKey, Version> segment =
          new TreeMap<>(reference.subMap(StoreKey.hashStart(from), StoreKey.hashStart(to)));
      assertThat(keys(index.scan(from, to, null))).isEqualTo(keys(segment));
      int n = 0;
      for (StoreKey after : segment.keySet()) {
        if (n++ % 97 == 0) {
          assertThat(keys(index.scan(from, to, after)))
              .isEqualTo(keys(segment.tailMap(after, false)));
        }
      }
    }
  }

  @Test
  void iteratorRemove_whileWalking_removesEachItemReturnedAndNoOther() {
    ItemIndex index = new ItemIndex(true);
    TreeMap<StoreKey, Version> reference = fill(index, true, 3_000);
    Iterator<Map.Entry<StoreKey, Version>> it = index.entrySet().iterator();
    int n = 0;
    while (it.hasNext()) {
      StoreKey k = it.next().getKey();
      if (n++ % 2 == 0) {
        it.remove();
        reference.remove(k);
      }
    }
    assertThat(keys(index)).isEqualTo(keys(reference));
  }

  @Test
  void partition_ofACompositeTable_holdsItsSortKeysInOrder_andOfAHashOnlyTableItsItem() {
    ItemIndex composite = new ItemIndex(true);
    for (int s : new int[] {30, 10, 20}) {
      composite.put(key(1, s), version(s));
    }
    composite.put(key(2, 5), version(5));
    assertThat(composite.partition(AttributeValue.fromS("p1")).keySet())
        .extracting(StoreKey::sort)
        .containsExactly(
            AttributeValue.fromN("10"), AttributeValue.fromN("20"), AttributeValue.fromN("30"));
    ItemIndex hashOnly = new ItemIndex(false);
    hashOnly.put(key(1, null), version(4));
    assertThat(hashOnly.partition(AttributeValue.fromS("p1")).values())
        .extracting(Version::at)
        .containsExactly(4L);
    assertThat(hashOnly.partition(AttributeValue.fromS("p2"))).isEmpty();
  }

  @Test
  void copyAsOf_anInstant_holdsExactlyTheItemsLiveThen_asVersionsWrittenNow() {
    for (boolean composite : new boolean[] {false, true}) {
      ItemIndex source = new ItemIndex(composite);
      TreeMap<StoreKey, Version> reference = fill(source, composite, 9_000);
      for (long at : new long[] {-1, 3_000, 8_999, Long.MAX_VALUE}) {
        TreeMap<StoreKey, Version> expected = new TreeMap<>(StoreKey.ORDER);
        long bytes = 0;
        for (Map.Entry<StoreKey, Version> e : reference.entrySet()) {
          Version v = e.getValue().asOf(at);
          if (v != null && v.exists()) {
            expected.put(e.getKey(), v.alone(42));
            bytes += v.size;
          }
        }
        ItemIndex copy = new ItemIndex(composite);
        ItemIndex.Copied copied = copy.copyAsOf(source, at, 42);
        assertThat(copied).isEqualTo(new ItemIndex.Copied(expected.size(), bytes));
        assertThat(keys(copy)).isEqualTo(keys(expected));
        for (Map.Entry<StoreKey, Version> e : expected.entrySet()) {
          assertThat(copy.get(e.getKey()).image()).isEqualTo(e.getValue().image());
        }
      }
    }
  }
}
