package pitr.migrate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Rewrites a journal table as a pitr from before packed entries wrote it: every journal item's
 * {@code packed} value becomes an {@code entries} list of maps with short names (sequence numbers
 * and withdrawn numbers as 10 hex digits, the pass as decimal text).
 */
final class UnpackedJournal {
  private UnpackedJournal() {}

  /** Rewrites every packed item of {@code journalTable}; returns how many it rewrote. */
  static int unpack(MigrationTestTarget local, String journalTable) {
    int rewritten = 0;
    for (Map<String, AttributeValue> item : local.items(journalTable, "pk", "sk").values()) {
      if (!item.containsKey(JournalLayout.PACKED)) {
        continue;
      }
      String sk = item.get("sk").s();
      List<AttributeValue> entries = new ArrayList<>();
      PackedEntries.read(
          item.get(JournalLayout.PACKED),
          JournalLayout.seqOf(sk),
          sk,
          e -> {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put(JournalLayout.KEY, AttributeValue.fromM(e.key()));
            m.put(JournalLayout.SEQ, AttributeValue.fromS(JournalLayout.hex(e.seq(), 10)));
            m.put(
                JournalLayout.OP,
                AttributeValue.fromS(e.op() == null ? JournalLayout.WITHDRAW : e.op().name()));
            if (e.imageHash() != null) {
              m.put(JournalLayout.HASH, AttributeValue.fromS(e.imageHash()));
            }
            if (e.op() == null) {
              m.put(
                  JournalLayout.WITHDRAWS,
                  AttributeValue.fromS(JournalLayout.hex(e.withdraws(), 10)));
            }
            if (e.pass() != null) {
              m.put(JournalLayout.PASS, AttributeValue.fromS(e.pass()));
            }
            entries.add(AttributeValue.fromM(m));
          });
      Map<String, AttributeValue> old = new HashMap<>(item);
      old.remove(JournalLayout.PACKED);
      old.put(JournalLayout.ENTRIES, AttributeValue.fromL(entries));
      local.put(journalTable, old);
      rewritten++;
    }
    return rewritten;
  }
}
