package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials never leave the process: with recognisable values as the AWS credentials, the
 * commands that write state, ledgers, journals, plans, failure files and reports, and some that
 * fail with {@code --stacktrace --verbose}, are run, and everything they printed, logged and wrote
 * (files and every table's items) is searched for the values.
 */
class SecretsNeverWrittenTest {
  private static final String KEY_ID = "AKIACANARY7Q3ZX9KEYID";
  private static final String SECRET = "canary/Secret+Value9x7Q3ZXw8dontLEAKme";
  private static final String TOKEN = "canarySessionTokenQ3ZX9dontLEAKme";

  @TempDir Path dir;
  private final RollbackTestEngine local = new RollbackTestEngine();
  private final List<String> printed = new ArrayList<>();
  private final ByteArrayOutputStream stdio = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;
  private final java.util.Map<String, String> oldProperties = new java.util.HashMap<>();

  @BeforeEach
  void canaries() {
    for (String p : List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken")) {
      oldProperties.put(p, System.getProperty(p));
    }
    System.setProperty("aws.accessKeyId", KEY_ID);
    System.setProperty("aws.secretAccessKey", SECRET);
    System.setProperty("aws.sessionToken", TOKEN);
    oldOut = System.out;
    oldErr = System.err;
    PrintStream both = new PrintStream(stdio, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
    // Other tests of this JVM may rely on what was set before.
    oldProperties.forEach(
        (p, v) -> {
          if (v == null) {
            System.clearProperty(p);
          } else {
            System.setProperty(p, v);
          }
        });
    local.close();
  }

  private int run(String... args) {
    CliRun r = new CliRun();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint));
    all.addAll(List.of(args));
    int code = r.execute(all.toArray(String[]::new));
    printed.add(r.out());
    printed.add(r.err());
    return code;
  }

  @Test
  void everyCommandsOutputLogsFilesAndTables_holdNoCredential() throws Exception {
    Path state = dir.resolve("state");
    Path m = RollbackTestEngine.carsMigration(dir);
    local.seedCarsWithPitr(m);
    local.createOrders();
    local.putMany(30, "v1");
    Instant t0 = RollbackTestEngine.mark();
    local.putMany(30, "bad");
    Instant t1 = RollbackTestEngine.mark();

    assertThat(run("--verbose", "migrate", "dev", "0001", "--migrations-dir", m.toString()))
        .isZero();
    run("migrate", "list", "--migrations-dir", m.toString());
    run("--verbose", "status", "orders");
    Path plan = dir.resolve("plan.jsonl");
    assertThat(
            run(
                "--verbose",
                "rollback",
                "orders",
                "--to",
                t0.toString(),
                "--incident-end",
                t1.toString(),
                "--keep",
                "--plan",
                plan.toString(),
                "--state-dir",
                state.toString()))
        .isZero();
    assertThat(run("rollback", "--apply", plan.toString(), "--state-dir", state.toString()))
        .isZero();
    assertThat(run("--verbose", "restore", "orders", "--to", t0.toString(), "--as", "orders-copy"))
        .isZero();
    run(
        "diff",
        "orders-copy",
        "orders",
        "--keys-out",
        dir.resolve("keys.jsonl").toString(),
        "--state-dir",
        state.toString());
    assertThat(
            run(
                "--verbose",
                "copy-back",
                "--from",
                "orders-copy",
                "--to",
                "orders",
                "--yes",
                "--state-dir",
                state.toString()))
        .isZero();
    run("--stacktrace", "--verbose", "copy-back", "--from", "missing", "--to", "orders");
    run("--stacktrace", "--verbose", "rollback", "--apply", dir.resolve("nope").toString());

    List<String> places = new ArrayList<>(printed);
    places.add(stdio.toString(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        places.add(f + ": " + read(f));
      }
    }
    for (String table : local.client.listTables().join().tableNames()) {
      local
          .client
          .scanPaginator(s -> s.tableName(table))
          .items()
          .subscribe(item -> places.add(table + ": " + item))
          .join();
    }

    assertThat(places).hasSizeGreaterThan(20);
    for (String place : places) {
      assertThat(place).doesNotContain(KEY_ID).doesNotContain(SECRET).doesNotContain(TOKEN);
    }
  }

  private static String read(Path f) throws IOException {
    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
  }
}
