package pitr.migrate;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Where things live in the journal table, shared by its writer ({@link Journal}), its commit
 * markers ({@link CommitMarker}) and its reader ({@link JournalReader}): the key schema, the
 * partitions of a run, the sort keys, and the short attribute names of an entry. The layout itself
 * is documented on {@link Journal}.
 */
final class JournalLayout {
  /** Partitions per run at least; recorded in the run record. */
  static final int DEFAULT_SHARDS = 16;

  static final int MAX_SHARDS = 4096;
  static final int ENTRIES_PER_SHARD = 20_000;

  /** The partition of a run's commit markers: {@code <runId>#commit}. */
  static final String COMMIT = "commit";

  /** The operation of an entry that withdraws an earlier one. */
  static final String WITHDRAW = "WITHDRAW";

  /** Entry attributes: key, number, operation, image hash, withdrawn number, scan pass. */
  static final String KEY = "k";

  static final String SEQ = "q";
  static final String OP = "o";
  static final String HASH = "h";
  static final String WITHDRAWS = "w";
  static final String PASS = "p";

  /** The journal item attribute holding its entries packed ({@link PackedEntries}). */
  static final String PACKED = "packed";

  /** The journal item attribute holding its entries as a list of maps, before packing. */
  static final String ENTRIES = "entries";

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private JournalLayout() {}

  static CreateTableRequest createRequest(String table) {
    return CreateTableRequest.builder()
        .tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder()
                .attributeName("pk")
                .attributeType(ScalarAttributeType.S)
                .build(),
            AttributeDefinition.builder()
                .attributeName("sk")
                .attributeType(ScalarAttributeType.S)
                .build())
        .keySchema(
            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .build();
  }

  /**
   * Partitions for a run expected to write {@code items} keys: one per {@value #ENTRIES_PER_SHARD}
   * keys, since a reader holds one partition's keys at a time; at least {@value #DEFAULT_SHARDS},
   * to spread the journal's writes; at most {@value #MAX_SHARDS}. Fewer partitions pack more
   * entries into each journal item.
   */
  static int shardsFor(long items) {
    long wanted = (items + ENTRIES_PER_SHARD - 1) / ENTRIES_PER_SHARD;
    return (int) Math.max(DEFAULT_SHARDS, Math.min(MAX_SHARDS, wanted));
  }

  static String partition(String runId, int shard) {
    return runId + "#" + (shard < 10 ? "0" + shard : Integer.toString(shard));
  }

  static String commitPartition(String runId) {
    return runId + "#" + COMMIT;
  }

  /** The fence as a marker's sort key and the first half of a journal item's: 8 hex digits. */
  static String fence(long fence) {
    return hex(fence, 8);
  }

  /** A journal item's sort key: the fence and the number of its first entry. */
  static String sortKey(long fence, long seq) {
    return hex(fence, 8) + hex(seq, 10);
  }

  static long fenceOf(String sortKey) {
    return Long.parseLong(sortKey.substring(0, 8), 16);
  }

  /** The number of a journal item's first entry, from its sort key. */
  static long seqOf(String sortKey) {
    return Long.parseLong(sortKey.substring(8), 16);
  }

  /**
   * A 64-bit id of a key: FNV-1a over the attributes sorted by name (name, type, value; numbers
   * canonical), finished with a multiplicative mix. Equal keys get equal ids in every process;
   * distinct keys sharing an id are told apart by their {@code key} attribute when reading.
   */
  static long keyId(Map<String, AttributeValue> key) {
    long h = 0xcbf29ce484222325L;
    if (key.size() == 1) {
      Map.Entry<String, AttributeValue> e = key.entrySet().iterator().next();
      h = attribute(h, e.getKey(), e.getValue());
    } else {
      String[] names = key.keySet().toArray(new String[0]);
      java.util.Arrays.sort(names);
      for (String name : names) {
        h = attribute(h, name, key.get(name));
      }
    }
    h *= 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29);
  }

  private static long attribute(long h, String name, AttributeValue v) {
    h = chars(h, name);
    h = (h ^ 0xff) * 0x100000001b3L;
    if (v.s() != null) {
      h = chars((h ^ 'S') * 0x100000001b3L, v.s());
    } else if (v.n() != null) {
      h = chars((h ^ 'N') * 0x100000001b3L, ItemHash.number(v.n()));
    } else if (v.b() != null) {
      h = (h ^ 'B') * 0x100000001b3L;
      for (byte b : v.b().asByteArrayUnsafe()) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
    } else {
      h = chars(h, ItemHash.canonical(Map.of(name, v)));
    }
    return (h ^ 0xfe) * 0x100000001b3L;
  }

  private static long chars(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }

  static String hex(long v, int width) {
    char[] out = new char[width];
    for (int i = width - 1; i >= 0; i--) {
      out[i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
    return new String(out);
  }
}
