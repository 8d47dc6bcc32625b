package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * {@code --output json} on every command of the tree: stdout holds exactly one JSON document, the
 * result or {@code {"error": {...}}}, whatever happens, and stderr no {@code error:} line. Each
 * command is run once with arguments that make it succeed or fail cheaply; a command added to the
 * tree without a line in {@link #invocations} fails {@link #everyCommand_hasAnInvocationHere}.
 */
class JsonOutputTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  /** One command line per command, by its qualified name, run with --output json. */
  private Map<String, List<String>> invocations() {
    String d = dir.toString();
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("pitr", List.of());
    m.put("pitr local", List.of("local"));
    m.put("pitr local serve", List.of("local", "serve", "--port", "99999"));
    m.put("pitr local demo", List.of("local", "demo", "--items", "40"));
    m.put("pitr bench", List.of("bench"));
    m.put("pitr bench engine", List.of("bench", "engine", "--rounds", "0"));
    m.put("pitr bench restore", List.of("bench", "restore", "--items", "1"));
    m.put("pitr bench copy-back", List.of("bench", "copy-back", "--items", "1"));
    m.put("pitr bench workers", List.of("bench", "workers", "--items", "1"));
    m.put("pitr bench engine-scale", List.of("bench", "engine-scale", "--items", "5"));
    m.put("pitr bench rollback", List.of("bench", "rollback", "--items", "0"));
    m.put(
        "pitr export",
        List.of("export", "--local", "orders", "--to", "-15m", "--bucket", "exports"));
    m.put(
        "pitr changes",
        List.of(
            "changes", "--local", "orders", "--export", "arn:aws:dynamodb:x", "--export-dir", d));
    m.put("pitr iam-policy", List.of("iam-policy", "copy-back", "--table", "orders"));
    m.put("pitr migrate", List.of("migrate"));
    m.put("pitr migrate new", List.of("migrate", "new", "--migrations-dir", d, "cars_get_a_price"));
    m.put("pitr migrate list", List.of("migrate", "list", "--local", "--migrations-dir", d));
    m.put(
        "pitr migrate stale",
        List.of("migrate", "stale", "--local", "--migrations-dir", d, "--older-than", "1d"));
    m.put("pitr migrate stamp", List.of("migrate", "stamp", "--local", "--migrations-dir", d, "x"));
    m.put("pitr migrate lint", List.of("migrate", "lint", "--migrations-dir", d));
    m.put("pitr migrate dev", List.of("migrate", "dev", "--migrations-dir", d, "x"));
    m.put("pitr migrate prod", List.of("migrate", "prod", "--local", "--migrations-dir", d, "x"));
    m.put(
        "pitr migrate submit", List.of("migrate", "submit", "--local", "--migrations-dir", d, "x"));
    m.put(
        "pitr migrate resume", List.of("migrate", "resume", "--local", "--migrations-dir", d, "x"));
    m.put("pitr migrate unlock", List.of("migrate", "unlock", "--local", "--migrations-dir", d));
    m.put("pitr migrate bench", List.of("migrate", "bench", "--items", "0"));
    m.put(
        "pitr migrate rollback",
        List.of("migrate", "rollback", "--local", "--migrations-dir", d, "--dry-run", "x"));
    m.put("pitr status", List.of("status", "--local", "orders"));
    m.put("pitr restore", List.of("restore", "--local", "orders", "--to", "-15m"));
    m.put(
        "pitr copy-back",
        List.of("copy-back", "--local", "--from", "a", "--to", "b", "--state-dir", d));
    m.put("pitr diff", List.of("diff", "--local", "a", "b", "--state-dir", d));
    m.put("pitr drop", List.of("drop", "--local", "orders-recovery", "--yes", "--state-dir", d));
    m.put("pitr runs", List.of("runs"));
    m.put("pitr runs list", List.of("runs", "list", "--state-dir", d));
    m.put("pitr runs show", List.of("runs", "show", "r1", "--state-dir", d));
    m.put("pitr runs abandon", List.of("runs", "abandon", "r1", "--yes", "--state-dir", d));
    m.put(
        "pitr rollback",
        List.of("rollback", "--local", "orders", "--to", "-15m", "--yes", "--state-dir", d));
    m.put("pitr drill", List.of("drill", "no-such-runbook"));
    m.put("pitr batch", List.of("batch"));
    m.put(
        "pitr batch setup",
        List.of(
            "batch",
            "setup",
            "--dry-run",
            "--region",
            "us-east-1",
            "--job-queue",
            "q",
            "--image",
            "pitr:1",
            "--job-role",
            "arn:aws:iam::123456789012:role/pitr",
            "--execution-role",
            "arn:aws:iam::123456789012:role/pitr-execution",
            "--assign-public-ip",
            "ENABLED"));
    m.put("pitr logs", List.of("logs"));
    m.put("pitr completion", List.of("completion", "bash"));
    return m;
  }

  @Test
  void everyCommand_hasAnInvocationHere() {
    Set<String> commands = new TreeSet<>();
    walk(Main.commandLine().getCommandSpec(), c -> commands.add(c.qualifiedName()));

    assertThat(new TreeSet<>(invocations().keySet())).isEqualTo(commands);
  }

  @Test
  void everyCommand_withOutputJson_printsExactlyOneJsonDocument_andNoErrorLine() {
    List<String> problems = new ArrayList<>();
    invocations()
        .forEach(
            (command, args) -> {
              CliRun run = new CliRun();
              List<String> line = new ArrayList<>(args);
              line.add("--output");
              line.add("json");
              int code = run.execute(line.toArray(String[]::new));
              try {
                List<JsonNode> docs = documents(run.out());
                if (docs.size() != 1) {
                  problems.add(command + " printed " + docs.size() + " documents: " + run.out());
                } else if ((code == 0) == docs.get(0).has("error")) {
                  problems.add(command + " exited " + code + " with " + run.out());
                }
              } catch (IOException e) {
                problems.add(command + " printed no JSON (exit " + code + "): " + run.out());
              }
              if (run.err().contains("error:")) {
                problems.add(command + " wrote an error line to stderr: " + run.err());
              }
            });

    assertThat(problems).isEmpty();
  }

  @Test
  void usageError_withOutputJson_isAnErrorDocumentOnStdout_withExitCode2() throws IOException {
    CliRun run = new CliRun();

    int code = run.execute("--output", "json", "copy-back", "--concurrency", "100000000");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).isEmpty();
    assertThat(MAPPER.readTree(run.out()))
        .isEqualTo(
            MAPPER.readTree(
                "{\"error\":{\"code\":\"USAGE\",\"exitCode\":2,\"message\":\"--concurrency"
                    + " 100000000 is out of range; pass 1-1,000\",\"hint\":\"pass 1-1,000\"}}"));
  }

  @Test
  void unknownOption_withOutputJsonAfterIt_isStillAnErrorDocument() throws IOException {
    CliRun run = new CliRun();

    int code = run.execute("status", "orders", "--bogus", "--output=json");

    assertThat(code).isEqualTo(2);
    JsonNode error = MAPPER.readTree(run.out()).get("error");
    assertThat(error.get("message").asText()).isEqualTo("Unknown option: '--bogus'");
    assertThat(error.get("hint").asText())
        .isEqualTo("Try 'pitr status --help' for more information.");
  }

  @Command(name = "boom")
  static final class BoomCommand implements Callable<Integer> {
    RuntimeException failure;

    @Override
    public Integer call() {
      throw failure;
    }
  }

  private static CliRun withBoom(RuntimeException failure) {
    CliRun run = new CliRun();
    BoomCommand boom = new BoomCommand();
    boom.failure = failure;
    run.commandLine.addSubcommand("boom", boom);
    return run;
  }

  @Test
  void refusal_withOutputJson_carriesItsCodeMessageAndHint_andTheSameExitCode() throws IOException {
    CliRun run =
        withBoom(
            new PitrException(
                ErrorCode.REFUSED,
                "Table orders has point-in-time recovery off; enable it with"
                    + " 'aws dynamodb update-continuous-backups' and rerun"));

    int code = run.execute("boom", "--output", "JSON");

    assertThat(code).as(run.out() + run.err()).isEqualTo(3);
    assertThat(run.err()).isEmpty();
    assertThat(MAPPER.readTree(run.out()))
        .isEqualTo(
            MAPPER.readTree(
                "{\"error\":{\"code\":\"REFUSED\",\"exitCode\":3,\"message\":\"Table orders has"
                    + " point-in-time recovery off; enable it with 'aws dynamodb"
                    + " update-continuous-backups' and rerun\",\"hint\":\"enable it with 'aws"
                    + " dynamodb update-continuous-backups' and rerun\"}}"));
  }

  @Test
  void unexpectedFailure_withOutputJson_saysToRerunWithStacktrace() throws IOException {
    CliRun run = withBoom(new IllegalStateException("queue full"));

    int code = run.execute("boom", "--output", "JSON");

    assertThat(code).isEqualTo(1);
    assertThat(MAPPER.readTree(run.out()))
        .isEqualTo(
            MAPPER.readTree(
                "{\"error\":{\"code\":\"FAILED\",\"exitCode\":1,\"message\":\"IllegalStateException:"
                    + " queue full\",\"hint\":\"Rerun with --stacktrace for details.\"}}"));
  }

  @Test
  void failureWithAResult_withOutputJson_printsTheResultInsideTheErrorDocument()
      throws IOException {
    CliRun run =
        withBoom(new CommandFailure(ErrorCode.PARTIAL, "3 items failed; resume", Map.of("n", 3)));

    int code = run.execute("boom", "--output", "JSON");

    assertThat(code).isEqualTo(4);
    assertThat(MAPPER.readTree(run.out()).get("result").get("n").asInt()).isEqualTo(3);
    assertThat(MAPPER.readTree(run.out()).get("error").get("hint").asText()).isEqualTo("resume");
  }

  @Test
  void version_withOutputJson_isADocument() throws IOException {
    CliRun run = new CliRun();

    int code = run.execute("--version", "--output", "json");

    assertThat(code).isZero();
    assertThat(MAPPER.readTree(run.out()).get("version").asText())
        .isEqualTo(ManifestVersionProvider.version());
  }

  @Test
  void migrateNew_withOutputJson_namesTheFileItCreated() throws IOException {
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "new",
            "--migrations-dir",
            dir.toString(),
            "cars_get_a_price",
            "--output",
            "json");

    assertThat(code).as(run.err()).isZero();
    JsonNode doc = MAPPER.readTree(run.out());
    assertThat(doc.get("name").asText()).isEqualTo("0001_cars_get_a_price");
    assertThat(doc.get("created").asText())
        .isEqualTo(dir.resolve("0001_cars_get_a_price.java").toString());
  }

  @Test
  void migrateLint_withOutputJson_listsEveryMigration() throws IOException {
    new CliRun().execute("migrate", "new", "--migrations-dir", dir.toString(), "cars_get_a_price");
    CliRun run = new CliRun();

    int code =
        run.execute("migrate", "lint", "--migrations-dir", dir.toString(), "--output", "json");

    assertThat(code).as(run.out()).isZero();
    JsonNode doc = MAPPER.readTree(run.out());
    assertThat(doc.get("failed").asLong()).isZero();
    assertThat(doc.get("migrations").get(0).get("name").asText())
        .isEqualTo("0001_cars_get_a_price");
    assertThat(doc.get("migrations").get(0).get("ok").asBoolean()).isTrue();
  }

  @Test
  void localDemo_withOutputJson_printsThePassedDemoAsOneDocument() throws IOException {
    CliRun run = new CliRun();

    int code = run.execute("local", "demo", "--items", "60", "--output", "json");

    assertThat(code).as(run.err()).isZero();
    JsonNode doc = MAPPER.readTree(run.out());
    assertThat(doc.get("passed").asBoolean()).isTrue();
    assertThat(doc.get("items").asInt()).isEqualTo(60);
    assertThat(doc.get("transcript").size()).isGreaterThan(5);
  }

  @Test
  void benchRestore_withOutputJson_printsItsReportAsOneDocument() throws IOException {
    CliRun run = new CliRun();

    int code = run.execute("bench", "restore", "--items", "200", "--output", "json");

    assertThat(code).as(run.err()).isZero();
    JsonNode report = MAPPER.readTree(run.out()).get("report");
    assertThat(report.isArray()).isTrue();
    assertThat(report.toString()).contains("| 200 |");
  }

  @Test
  void rollbackPlan_withOutputJson_printsThePlanWithSampleKeysAsObjects() throws IOException {
    local.createOrders();
    local.put("a", "v1");
    local.put("b", "v1");
    Instant t0 = RollbackTestEngine.mark();
    local.put("a", "bad");
    local.delete("b");
    Instant t1 = RollbackTestEngine.mark();
    Path plan = dir.resolve("plan.jsonl");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "rollback",
            "orders",
            "--to",
            t0.toString(),
            "--incident-end",
            t1.toString(),
            "--plan",
            plan.toString(),
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint,
            "--output",
            "json");

    assertThat(code).as(run.err()).isZero();
    JsonNode doc = MAPPER.readTree(run.out());
    assertThat(doc.get("savedTo").asText()).isEqualTo(plan.toString());
    JsonNode restore = doc.get("plan").get("actions").get("restore");
    assertThat(restore.get("count").asLong()).isEqualTo(2);
    assertThat(restore.get("sampleKeys").get(0).isObject()).isTrue();
    assertThat(restore.get("sampleKeys").get(0).get("pk").get("S").asText()).isIn("a", "b");
    assertThat(run.err()).contains("Rollback plan for orders");
  }

  @Test
  void diff_withOutputJson_givesSampleKeysAsObjects() throws IOException {
    local.createOrders();
    local.put("a", "v1");
    local
        .client
        .createTable(
            r ->
                r.tableName("empty")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
    CliRun run = new CliRun();

    int code =
        run.execute(
            "diff",
            "orders",
            "empty",
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint,
            "--output",
            "json");

    assertThat(code).as(run.err()).isZero();
    JsonNode doc = MAPPER.readTree(run.out());
    assertThat(doc.get("onlyInA").asLong()).isEqualTo(1);
    assertThat(doc.get("sampleOnlyInA").get(0).get("pk").get("S").asText()).isEqualTo("a");
  }

  private static List<JsonNode> documents(String out) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (JsonParser parser = MAPPER.getFactory().createParser(out)) {
      while (parser.nextToken() != null) {
        docs.add(MAPPER.readTree(parser));
      }
    }
    if (docs.isEmpty()) {
      throw new IOException("empty");
    }
    return docs;
  }

  private static void walk(CommandSpec spec, Consumer<CommandSpec> f) {
    f.accept(spec);
    spec.subcommands().values().forEach(sub -> walk(sub.getCommandSpec(), f));
  }
}
