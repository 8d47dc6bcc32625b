package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pitr.dynamo.LocalTarget;

class StatusCommandTest {
  private final LocalCli cli = new LocalCli();

  @AfterEach
  void stop() {
    cli.close();
  }

  @Test
  void status_ofTableWithPitr_showsWindowCapacityAndRecoveryTables() {
    cli.local.createProvisioned("orders", 50, 20);
    cli.local.enablePitr("orders");
    cli.local.fill("orders", 0, 10, "v1", 10);
    // Past the engine's restore lag (1 s), so "latest" is inside the restore window.
    cli.clock.advance(Duration.ofSeconds(2));
    assertThat(cli.exit("restore", "orders", "--to", "latest", "--as", "orders-rec")).isZero();

    assertThat(cli.exit("status", "orders")).isZero();
    String out = cli.last.out();
    assertThat(out).contains("table:            orders (ACTIVE)");
    assertThat(out)
        .containsPattern("pitr:             on, 35 days\nrestorable:       20.*Z \\.\\. 20.*Z");
    assertThat(out).contains("billing:          PROVISIONED (50 RCU, 20 WCU)");
    assertThat(out).contains("recovery tables:  1\n  orders-rec  ACTIVE  restore point 20");
  }

  @Test
  void status_whenPitrOff_saysSo() {
    cli.local.createTable("plain");
    assertThat(cli.exit("status", "plain")).isZero();
    assertThat(cli.last.out())
        .contains("pitr:             OFF (nothing can be restored to a point in time)")
        .contains("billing:          PAY_PER_REQUEST")
        .contains("recovery tables:  0");
  }

  @Test
  void status_ofTableWithTtl_showsItsAttribute() {
    cli.local.createTable("sessions");
    cli.local
        .client
        .updateTimeToLive(
            r ->
                r.tableName("sessions")
                    .timeToLiveSpecification(s -> s.enabled(true).attributeName("expires")))
        .join();

    assertThat(cli.exit("status", "sessions")).isZero();

    assertThat(cli.last.out())
        .contains(
            "ttl:              on, attribute expires (expired items are deleted; a restored table"
                + " has TTL off)\n");
  }

  @Test
  void status_ofTableWithoutTtl_saysOff() {
    cli.local.createTable("plain");

    assertThat(cli.exit("status", "plain")).isZero();

    assertThat(cli.last.out()).contains("ttl:              off\n");
  }

  @Test
  void status_withJsonOutput_printsOneDocument() {
    cli.local.createTable("plain");
    assertThat(cli.exit("status", "plain", "--output", "json")).isZero();
    assertThat(cli.last.out())
        .contains("\"table\" : \"plain\"")
        .contains("\"pitrEnabled\" : false")
        .contains("\"status\" : \"DISABLED\"");
  }

  @Test
  void status_ofMissingTable_exitsTwoNamingIt() {
    assertThat(cli.exit("status", "ghost")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table ghost does not exist in "
                + cli.local.endpoint()
                + "; check the name and region\n");
  }

  @Test
  void status_ofAnEndpointNothingListensOn_exitsTwoNamingItAndTheFix() throws Exception {
    int port = LocalTarget.freePort();
    CliRun run = new CliRun();

    int code = run.execute("status", "orders", "--endpoint-url", "http://127.0.0.1:" + port);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "error: Cannot reach DynamoDB at http://127.0.0.1:"
                + port
                + " (Connection refused: /127.0.0.1:"
                + port
                + "); nothing was changed. Check --endpoint-url (or AWS_ENDPOINT_URL) and that a"
                + " server is listening there; 'pitr local serve --port 8000' starts the embedded"
                + " engine, and --local runs one in-process");
  }
}
