package pitr.migrate.api;

import java.util.Optional;

/**
 * How to scan a table.
 *
 * @param segments parallel scan segments (1 to 1,000,000); each is read page by page
 * @param concurrency items of one page processed at once by {@link MigrationTable#forEachItem}
 * @param filter an optional filter; it saves no read capacity but fewer items reach the migration
 * @param pageSize items per scan page (DynamoDB's Limit), 0 for DynamoDB's 1 MB pages; smaller
 *     pages mean finer checkpoints
 */
public record ScanOptions(int segments, int concurrency, Optional<Condition> filter, int pageSize) {
  public ScanOptions {
    if (segments < 1 || segments > 1_000_000) {
      throw new IllegalArgumentException(
          "segments=" + segments + " is out of range; pass 1 to 1000000");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency=" + concurrency + " must be at least 1");
    }
    if (pageSize < 0) {
      throw new IllegalArgumentException("pageSize=" + pageSize + " must be 0 or more");
    }
  }

  /** Four segments, 16 items at once per segment, no filter. */
  public static ScanOptions defaults() {
    return new ScanOptions(4, 16, Optional.empty(), 0);
  }

  /** These options with {@code n} segments. */
  public ScanOptions segments(int n) {
    return new ScanOptions(n, concurrency, filter, pageSize);
  }

  /** These options with {@code n} items processed at once per segment. */
  public ScanOptions concurrency(int n) {
    return new ScanOptions(segments, n, filter, pageSize);
  }

  /** These options with pages of at most {@code n} items. */
  public ScanOptions pageSize(int n) {
    return new ScanOptions(segments, concurrency, filter, n);
  }

  /** These options with a filter expression. */
  public ScanOptions filter(Condition condition) {
    return new ScanOptions(segments, concurrency, Optional.of(condition), pageSize);
  }
}
