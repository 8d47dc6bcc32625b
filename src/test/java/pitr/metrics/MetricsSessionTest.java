package pitr.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MetricsSessionTest {
  @Test
  void finish_ofAReadOnlyCommandOnATerminal_endsTheBarAtTheItemsRead_notTheNoneWritten() {
    StringWriter err = new StringWriter();
    MetricsSession s =
        MetricsSession.start(MetricsConfig.log(), new PrintWriter(err), "diff", true);
    s.progressBy(Meter.ITEMS_READ);
    s.meters().add(Meter.ITEMS_READ, 43);

    s.finish();

    assertThat(s.barEnd()).isEqualTo(43);
    assertThat(err.toString()).contains("summary command=diff items_read=43");
  }

  @Test
  void finish_ofAWritingCommandOnATerminal_endsTheBarAtTheItemsWritten() {
    StringWriter err = new StringWriter();
    MetricsSession s =
        MetricsSession.start(MetricsConfig.log(), new PrintWriter(err), "copy-back", true);
    s.meters().add(Meter.ITEMS_READ, 50);
    s.meters().add(Meter.ITEMS_WRITTEN, 40);

    s.finish();

    assertThat(s.barEnd()).isEqualTo(40);
  }
}
