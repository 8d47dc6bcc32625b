package pitr.rollback;

/**
 * What planning a rollback tells while it reads, for a progress bar or progress lines: how many
 * items it expects to read and how many it has read. Called from the scanning threads; an
 * implementation must be thread-safe and quick.
 */
public interface ScanProgress {
  /** Hears nothing. */
  ScanProgress NONE =
      new ScanProgress() {
        @Override
        public void expect(long items) {}

        @Override
        public void read(long items) {}
      };

  /**
   * The items the planning will read in all, from the tables' item counts (which DynamoDB updates
   * about every six hours) or the export's manifest; 0 when not known.
   */
  void expect(long items);

  /** {@code items} more items were read (a page of a scan, or changes of an export). */
  void read(long items);

  /** Those reads consumed {@code units} read units of the tables read (as DynamoDB reported). */
  default void readUnits(double units) {}
}
