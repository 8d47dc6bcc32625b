package pitr.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Puts a page of item images into a Scan or Query response without the SDK's defensive deep copy.
 *
 * <p>The SDK builders copy every item map they are given, entry by entry, so that a caller's later
 * changes cannot reach the response. The engine's images are already immutable and never change
 * once stored, so that copy buys nothing and was most of what a scan cost in-process (three
 * quarters of the engine's Scan time for ~1 KB items). This class hands the builder an unmodifiable
 * list of unmodifiable maps directly, through the builder's own field, which the response's
 * constructor takes as is. If a future SDK renames that field, it falls back to the copying setter:
 * slower, never wrong. {@link #direct()} tells which path is in use, and a test pins it.
 */
public final class PageItems {
  private static final Class<?> SCAN_BUILDER = ScanResponse.builder().getClass();
  private static final Class<?> QUERY_BUILDER = QueryResponse.builder().getClass();
  private static final VarHandle SCAN_ITEMS = field(SCAN_BUILDER);
  private static final VarHandle QUERY_ITEMS = field(QUERY_BUILDER);

  private PageItems() {}

  /** Whether responses take the engine's images without copying them. */
  public static boolean direct() {
    return SCAN_ITEMS != null && QUERY_ITEMS != null;
  }

  public static ScanResponse.Builder into(
      ScanResponse.Builder b, List<Map<String, AttributeValue>> items) {
    if (SCAN_ITEMS == null || b.getClass() != SCAN_BUILDER) {
      return b.items(items);
    }
    SCAN_ITEMS.set(b, sealed(items));
    return b;
  }

  public static QueryResponse.Builder into(
      QueryResponse.Builder b, List<Map<String, AttributeValue>> items) {
    if (QUERY_ITEMS == null || b.getClass() != QUERY_BUILDER) {
      return b.items(items);
    }
    QUERY_ITEMS.set(b, sealed(items));
    return b;
  }

  /** The same images in an unmodifiable list, each one unmodifiable (wrapped when it is not). */
  private static List<Map<String, AttributeValue>> sealed(List<Map<String, AttributeValue>> items) {
    List<Map<String, AttributeValue>> out = new ArrayList<>(items.size());
    for (Map<String, AttributeValue> item : items) {
      out.add(Items.isUnmodifiable(item) ? item : Collections.unmodifiableMap(item));
    }
    return Collections.unmodifiableList(out);
  }

  private static VarHandle field(Class<?> builder) {
    try {
      return MethodHandles.privateLookupIn(builder, MethodHandles.lookup())
          .findVarHandle(builder, "items", List.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
