package pitr.migrate;

import static pitr.migrate.Attrs.dbl;
import static pitr.migrate.Attrs.num;
import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;
import static pitr.migrate.Attrs.time;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads a run's journal (layout on {@link Journal}): every key's last write for a rollback, the
 * counts of the run's commit markers, and, for a resumed run, the writes of a scan pass journaled
 * since a position. Partitions are queried in order, a few at a time; memory is one partition's
 * entries.
 */
final class JournalReader {
  private static final int READERS = 4;

  private JournalReader() {}

  /**
   * Every entry of {@code run}, partition by partition, one per key and table: the last write to it
   * that was not withdrawn, {@linkplain JournalEntry.State#INTENDED intended} unless its attempt's
   * commit marker covers it. Items written before write-ahead journaling (one per key: {@code sk} =
   * {@code <table>#<hex SHA-256 of the key>}, attributes {@code runId}, {@code table}, {@code key},
   * {@code op}, {@code imageHash}, {@code writtenAt}, {@code fence}) read as confirmed.
   */
  static Flux<JournalEntry> read(DynamoDbGateway db, RunRecord run) {
    return marks(db, run)
        .flatMapMany(
            marks ->
                Flux.range(0, Math.max(1, run.journalShards()))
                    .flatMapSequential(
                        shard ->
                            query(db, run, shard, null)
                                .collectList()
                                .map(items -> last(run.runId(), items, marks, null)),
                        READERS)
                    .concatMapIterable(
                        writes -> writes.values().stream().map(Written::entry).toList()));
  }

  /**
   * The writes of {@code run}'s pass {@code pass} over {@code table} journaled at or after {@code
   * from} (a {@link Journal#position()}): per key of the table, its last write that was not
   * withdrawn, kept when that write is to the item the pass handed the migration.
   */
  static Mono<LandedWrites> landed(
      DynamoDbGateway db, RunRecord run, String table, int pass, String from) {
    return landed(db, run, table, pass, from, attempt -> true);
  }

  /**
   * As {@link #landed(DynamoDbGateway, RunRecord, String, int, String)}, of the attempts whose
   * fence (a worker's journal epoch, see {@link WorkerLedger}) {@code attempts} accepts: a worker
   * of a run across workers resumes only its own writes.
   */
  static Mono<LandedWrites> landed(
      DynamoDbGateway db,
      RunRecord run,
      String table,
      int pass,
      String from,
      java.util.function.LongPredicate attempts) {
    String tag = Integer.toString(pass);
    return marks(db, run)
        .flatMap(
            marks ->
                Flux.range(0, Math.max(1, run.journalShards()))
                    .flatMap(
                        shard ->
                            query(db, run, shard, from)
                                .collectList()
                                .map(items -> last(run.runId(), items, marks, table)),
                        READERS)
                    .collect(
                        () -> new HashMap<String, LandedWrites.Landed>(),
                        (out, writes) ->
                            writes.values().stream()
                                .filter(w -> tag.equals(w.pass()) && attempts.test(w.fence()))
                                .forEach(
                                    w ->
                                        out.put(
                                            ItemHash.canonical(w.entry().key()),
                                            new LandedWrites.Landed(
                                                w.entry().key(),
                                                w.entry().op(),
                                                w.entry().imageHash(),
                                                w.entry().state()
                                                    == JournalEntry.State.CONFIRMED)))))
        .map(LandedWrites::new);
  }

  /**
   * What the commit markers of {@code run}'s attempts record, summed; empty when a marker predates
   * the counts (the ledger's own counts then stand).
   */
  static Mono<CommitMarker.Counts> totals(DynamoDbGateway db, RunRecord run) {
    return queryPartition(db, run.journalTable(), JournalLayout.commitPartition(run.runId()), null)
        .collectList()
        .flatMap(
            markers -> {
              CommitMarker.Counts sum = CommitMarker.Counts.ZERO;
              for (Map<String, AttributeValue> m : markers) {
                if (!m.containsKey("written")) {
                  return Mono.empty();
                }
                sum =
                    sum.plus(
                        new CommitMarker.Counts(num(m, "read"), num(m, "written"), dbl(m, "wcu")));
              }
              return Mono.just(sum);
            });
  }

  private static Mono<Map<Long, CommitMarker.Mark>> marks(DynamoDbGateway db, RunRecord run) {
    return queryPartition(db, run.journalTable(), JournalLayout.commitPartition(run.runId()), null)
        .collectMap(
            i -> Long.parseLong(str(i, "sk"), 16),
            i ->
                new CommitMarker.Mark(
                    num(i, "upTo"), i.containsKey("ranges") ? str(i, "ranges") : ""));
  }

  private static Flux<Map<String, AttributeValue>> query(
      DynamoDbGateway db, RunRecord run, int shard, String from) {
    return queryPartition(
        db, run.journalTable(), JournalLayout.partition(run.runId(), shard), from);
  }

  private static Flux<Map<String, AttributeValue>> queryPartition(
      DynamoDbGateway db, String table, String pk, String from) {
    QueryRequest.Builder b = QueryRequest.builder().tableName(table).consistentRead(true);
    if (from == null) {
      b.keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)));
    } else {
      b.keyConditionExpression("pk = :pk AND sk >= :from")
          .expressionAttributeValues(Map.of(":pk", s(pk), ":from", s(from)));
    }
    return db.queryPages(b.build()).concatMapIterable(r -> r.items());
  }

  /** A key of a table. */
  private record Keyed(String table, Map<String, AttributeValue> key) {}

  /**
   * A journaled write of a key, ordered by attempt and number.
   *
   * @param pass the scan pass tag of the entry, or null
   */
  private record Written(long fence, long seq, JournalEntry entry, String pass) {
    boolean after(Written other) {
      return fence != other.fence ? fence > other.fence : seq > other.seq;
    }
  }

  /**
   * The last write of every key of one partition that was not withdrawn; of {@code onlyTable} alone
   * unless null.
   */
  private static Map<Keyed, Written> last(
      String runId,
      List<Map<String, AttributeValue>> items,
      Map<Long, CommitMarker.Mark> marks,
      String onlyTable) {
    Map<Keyed, List<Written>> writes = new LinkedHashMap<>();
    Map<Keyed, Set<Long>> withdrawn = new HashMap<>();
    for (Map<String, AttributeValue> item : items) {
      if (!item.containsKey(JournalLayout.PACKED) && !item.containsKey(JournalLayout.ENTRIES)) {
        JournalEntry legacy = legacy(item);
        if (onlyTable == null || onlyTable.equals(legacy.table())) {
          writes
              .computeIfAbsent(new Keyed(legacy.table(), legacy.key()), k -> new ArrayList<>())
              .add(new Written(legacy.fence(), -1, legacy, null));
        }
        continue;
      }
      String dataTable = str(item, "table");
      if (onlyTable != null && !onlyTable.equals(dataTable)) {
        continue;
      }
      String sk = str(item, "sk");
      long fence = JournalLayout.fenceOf(sk);
      Instant writtenAt = time(item, "writtenAt");
      CommitMarker.Mark mark = marks.getOrDefault(fence, CommitMarker.Mark.NONE);
      PackedEntries.Sink sink =
          e -> {
            Keyed keyed = new Keyed(dataTable, e.key());
            if (e.op() == null) {
              withdrawn
                  .computeIfAbsent(keyed, k -> new HashSet<>())
                  .add(fence << 40 | e.withdraws());
              return;
            }
            writes
                .computeIfAbsent(keyed, k -> new ArrayList<>(1))
                .add(
                    new Written(
                        fence,
                        e.seq(),
                        new JournalEntry(
                            runId,
                            dataTable,
                            keyed.key(),
                            e.op(),
                            e.imageHash(),
                            writtenAt,
                            fence,
                            mark.covers(e.seq())
                                ? JournalEntry.State.CONFIRMED
                                : JournalEntry.State.INTENDED),
                        e.pass()));
          };
      if (item.containsKey(JournalLayout.PACKED)) {
        PackedEntries.read(
            item.get(JournalLayout.PACKED),
            JournalLayout.seqOf(sk),
            str(item, "pk") + " " + sk,
            sink);
      } else {
        for (AttributeValue v : item.get(JournalLayout.ENTRIES).l()) {
          sink.accept(unpacked(v.m()));
        }
      }
    }
    Map<Keyed, Written> out = new LinkedHashMap<>();
    writes.forEach(
        (keyed, list) -> {
          Set<Long> gone = withdrawn.getOrDefault(keyed, Set.of());
          Written last = null;
          for (Written w : list) {
            if (w.seq() >= 0 && gone.contains(w.fence() << 40 | w.seq())) {
              continue;
            }
            if (last == null || w.after(last)) {
              last = w;
            }
          }
          if (last != null) {
            out.put(keyed, last);
          }
        });
    return out;
  }

  /** An entry of a journal item written before entries were packed: a map with short names. */
  private static PackedEntries.Decoded unpacked(Map<String, AttributeValue> e) {
    String op = str(e, JournalLayout.OP);
    boolean withdrawal = JournalLayout.WITHDRAW.equals(op);
    return new PackedEntries.Decoded(
        Long.parseLong(str(e, JournalLayout.SEQ), 16),
        withdrawal ? null : WriteOp.valueOf(op),
        withdrawal ? Long.parseLong(str(e, JournalLayout.WITHDRAWS), 16) : -1,
        e.containsKey(JournalLayout.HASH) ? str(e, JournalLayout.HASH) : null,
        e.containsKey(JournalLayout.PASS) ? str(e, JournalLayout.PASS) : null,
        e.get(JournalLayout.KEY).m());
  }

  private static JournalEntry legacy(Map<String, AttributeValue> i) {
    return new JournalEntry(
        str(i, "runId"),
        str(i, "table"),
        i.get("key").m(),
        WriteOp.valueOf(str(i, "op")),
        str(i, "imageHash"),
        time(i, "writtenAt"),
        num(i, "fence"));
  }
}
