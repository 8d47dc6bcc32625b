package pitr.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Mono;

/**
 * The migrations folder joined with the ledger: every migration with its state, including ones
 * whose file was deleted, so nothing is ever reported "missing".
 */
public final class MigrationOverview {
  private final MigrationCatalog catalog;
  private final Ledger ledger;

  public MigrationOverview(MigrationCatalog catalog, Ledger ledger) {
    this.catalog = catalog;
    this.ledger = ledger;
  }

  /** Every migration in the folder or the ledger, by name. */
  public Mono<List<MigrationStatus>> list() {
    return ledger
        .runs()
        .collectList()
        .map(
            runs -> {
              Map<String, List<RunRecord>> byName = new TreeMap<>();
              for (RunRecord r : runs) {
                byName.computeIfAbsent(r.migration(), k -> new ArrayList<>()).add(r);
              }
              Map<String, MigrationFile> files = new LinkedHashMap<>();
              catalog.all().forEach(f -> files.put(f.name(), f));
              TreeMap<String, Boolean> names = new TreeMap<>();
              files.keySet().forEach(n -> names.put(n, true));
              byName.keySet().forEach(n -> names.putIfAbsent(n, false));
              List<MigrationStatus> out = new ArrayList<>();
              for (String name : names.keySet()) {
                List<RunRecord> own = new ArrayList<>(byName.getOrDefault(name, List.of()));
                own.sort(RunRecord.BY_START);
                RunRecord latest = RunRecord.latest(own);
                MigrationFile file = files.get(name);
                boolean changed = false;
                if (file != null) {
                  String checksum = checksum(file);
                  for (int i = own.size() - 1; i >= 0; i--) {
                    if (own.get(i).status() == MigrationState.SUCCEEDED) {
                      changed = !own.get(i).checksum().equals(checksum);
                      break;
                    }
                  }
                }
                out.add(
                    new MigrationStatus(
                        name,
                        latest == null ? MigrationState.PENDING : latest.status(),
                        file != null,
                        changed,
                        latest,
                        own.size()));
              }
              return out;
            });
  }

  /**
   * Migrations whose latest succeeded run finished (was finalized) more than {@code olderThan}
   * before {@code now}: candidates to delete from the folder. The ledger keeps their records.
   */
  public Mono<List<MigrationStatus>> stale(Duration olderThan, Instant now) {
    Instant cutoff = now.minus(olderThan);
    return list()
        .map(
            all ->
                all.stream()
                    .filter(
                        s ->
                            s.latest() != null
                                && s.state() == MigrationState.SUCCEEDED
                                && s.latest().finishedAt() != null
                                && s.latest().finishedAt().isBefore(cutoff))
                    .toList());
  }

  private static String checksum(MigrationFile file) {
    try {
      return MigrationCompiler.sourceChecksum(
          Files.readString(file.path(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return "";
    }
  }
}
