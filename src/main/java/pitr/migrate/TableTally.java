package pitr.migrate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import pitr.metrics.Meter;

/**
 * Counts of one table in one run, mirrored into Micrometer counters: the run's own ({@link
 * MigrateMeter}, tagged with the migration and table) and the documented {@link Meter}s every
 * command's progress, Prometheus, CloudWatch and EMF output reads (untagged, summed over the run's
 * tables and workers).
 */
final class TableTally {
  final String table;
  final LongAdder read = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder updates = new LongAdder();
  final LongAdder deletes = new LongAdder();
  final LongAdder conditionFailed = new LongAdder();
  final DoubleAdder wcu = new DoubleAdder();
  private final Counter readMeter;
  private final Counter putMeter;
  private final Counter updateMeter;
  private final Counter deleteMeter;
  private final Counter conditionMeter;
  private final Counter wcuMeter;
  private final Counter itemsRead;
  private final Counter itemsWritten;
  private final Counter wcuConsumed;
  private final LongAdder runRead;

  /**
   * @param runRead items read by the whole run, over all its tables
   */
  TableTally(String table, String migration, MeterRegistry registry, LongAdder runRead) {
    this.table = table;
    this.runRead = runRead;
    readMeter = counter(registry, MigrateMeter.ITEMS_READ, migration, table);
    putMeter = counter(registry, MigrateMeter.ITEMS_WRITTEN, migration, table, "op", "put");
    updateMeter = counter(registry, MigrateMeter.ITEMS_WRITTEN, migration, table, "op", "update");
    deleteMeter = counter(registry, MigrateMeter.ITEMS_WRITTEN, migration, table, "op", "delete");
    conditionMeter = counter(registry, MigrateMeter.CONDITION_FAILED, migration, table);
    wcuMeter = counter(registry, MigrateMeter.WCU, migration, table);
    itemsRead = documented(registry, Meter.ITEMS_READ);
    itemsWritten = documented(registry, Meter.ITEMS_WRITTEN);
    wcuConsumed = documented(registry, Meter.WCU_CONSUMED);
  }

  private static Counter documented(MeterRegistry registry, Meter meter) {
    return Counter.builder(meter.id()).baseUnit(meter.unit()).register(registry);
  }

  private static Counter counter(
      MeterRegistry registry, MigrateMeter meter, String migration, String table, String... tags) {
    Counter.Builder b =
        Counter.builder(meter.meterName).tag("migration", migration).tag("table", table);
    for (int i = 0; i + 1 < tags.length; i += 2) {
      b.tag(tags[i], tags[i + 1]);
    }
    return b.register(registry);
  }

  void read(long n) {
    read.add(n);
    runRead.add(n);
    readMeter.increment(n);
    itemsRead.increment(n);
  }

  void written(WriteOp op, double units) {
    switch (op) {
      case PUT -> {
        puts.increment();
        putMeter.increment();
      }
      case UPDATE -> {
        updates.increment();
        updateMeter.increment();
      }
      case DELETE -> {
        deletes.increment();
        deleteMeter.increment();
      }
    }
    wcu.add(units);
    wcuMeter.increment(units);
    itemsWritten.increment();
    wcuConsumed.increment(units);
  }

  void conditionFailed() {
    conditionFailed.increment();
    conditionMeter.increment();
  }

  long written() {
    return puts.sum() + updates.sum() + deletes.sum();
  }

  RunReport.TableReport report() {
    return new RunReport.TableReport(
        table,
        read.sum(),
        puts.sum(),
        updates.sum(),
        deletes.sum(),
        conditionFailed.sum(),
        Math.round(wcu.sum() * 10) / 10.0);
  }
}
