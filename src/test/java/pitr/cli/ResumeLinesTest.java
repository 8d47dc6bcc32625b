package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every resumable command prints, before its first write, the command that continues it, carrying
 * the options given that say where the run's state is: the endpoint, the state folder, the
 * checkpoint table, and for migrations the ledger and journal tables. (The endpoint and state
 * folder alone are checked with each command's own tests; these add the tables.)
 */
class ResumeLinesTest {
  @TempDir Path dir;

  private String state() {
    return dir.resolve("state").toString();
  }

  @Test
  void copyBack_printsBeforeItsFirstWrite_aResumeCommandCarryingTheCheckpointTable() {
    try (RollbackTestEngine e = new RollbackTestEngine()) {
      e.createOrders();
      e.client
          .createTable(
              r ->
                  r.tableName("orders-rec")
                      .billingMode("PAY_PER_REQUEST")
                      .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                      .keySchema(k -> k.attributeName("pk").keyType("HASH")))
          .join();
      e.client
          .putItem(
              r ->
                  r.tableName("orders-rec")
                      .item(
                          Map.of("pk", AttributeValue.fromS("a"), "v", AttributeValue.fromS("1"))))
          .join();
      CliRun run = new CliRun();

      int code =
          run.execute(
              "copy-back",
              "--from",
              "orders-rec",
              "--to",
              "orders",
              "--yes",
              "--run-id",
              "c1",
              "--checkpoint-table",
              "ckpt",
              "--state-dir",
              state(),
              "--endpoint-url",
              e.endpoint);

      assertThat(code).as(run.err()).isZero();
      assertThat(run.err())
          .contains(
              "Run c1: if it is interrupted, continue it with: pitr copy-back --resume c1"
                  + " --checkpoint-table ckpt --state-dir "
                  + state()
                  + " --endpoint-url "
                  + e.endpoint
                  + "\n");
    }
  }

  @Test
  void rollbackApply_printsBeforeItsFirstWrite_aResumeCommandCarryingTheCheckpointTable() {
    try (RollbackTestEngine e = new RollbackTestEngine()) {
      e.createOrders();
      e.put("a", "v1");
      Instant t0 = RollbackTestEngine.mark();
      e.put("a", "bad");
      RollbackTestEngine.mark();
      Path plan = dir.resolve("plan.jsonl");
      CliRun planned = new CliRun();
      planned.execute(
          "rollback",
          "orders",
          "--to",
          t0.toString(),
          "--plan",
          plan.toString(),
          "--state-dir",
          state(),
          "--endpoint-url",
          e.endpoint);
      assertThat(planned.exitCode()).as(planned.err()).isZero();
      CliRun run = new CliRun();

      int code =
          run.execute(
              "rollback",
              "--apply",
              plan.toString(),
              "--yes",
              "--run-id",
              "r1",
              "--checkpoint-table",
              "ckpt",
              "--state-dir",
              state(),
              "--endpoint-url",
              e.endpoint);

      assertThat(code).as(run.err()).isZero();
      assertThat(run.out())
          .contains(
              "\nApplying as run r1; if it is interrupted, continue it with: pitr rollback --apply "
                  + plan
                  + " --resume r1 --checkpoint-table ckpt --state-dir "
                  + state()
                  + " --endpoint-url "
                  + e.endpoint
                  + "\n");
    }
  }

  @Test
  void migrateProdAndResume_printBeforeTheirFirstWrite_aResumeCommandCarryingLedgerAndJournal()
      throws Exception {
    try (RollbackTestEngine e = new RollbackTestEngine()) {
      Path m = RollbackTestEngine.carsMigration(dir);
      e.seedCarsWithPitr(m);
      Files.writeString(
          m.resolve("0002_fails.java"),
          "import java.util.Set;\n"
              + "import pitr.migrate.api.Migration;\n"
              + "import pitr.migrate.api.MigrationContext;\n"
              + "import reactor.core.publisher.Mono;\n\n"
              + "/** Fails at once. */\n"
              + "class Fails implements Migration {\n"
              + "  @Override\n"
              + "  public Set<String> tables() {\n"
              + "    return Set.of(\"cars\");\n"
              + "  }\n\n"
              + "  @Override\n"
              + "  public Mono<Void> run(MigrationContext context) {\n"
              + "    return Mono.error(new IllegalStateException(\"boom\"));\n"
              + "  }\n"
              + "}\n");
      String resume =
          "pitr migrate resume 0002_fails --prod --ledger-table ledger-b --journal-table"
              + " journal-b --migrations-dir "
              + m
              + " --endpoint-url "
              + e.endpoint
              + "\n";

      for (String verb : new String[] {"prod", "resume"}) {
        CliRun run = new CliRun();
        java.util.List<String> args =
            new java.util.ArrayList<>(java.util.List.of("migrate", verb, "0002"));
        if (verb.equals("resume")) {
          args.add("--prod");
        }
        args.addAll(
            java.util.List.of(
                "--yes",
                "--ledger-table",
                "ledger-b",
                "--journal-table",
                "journal-b",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                e.endpoint));

        int code = run.execute(args.toArray(String[]::new));

        assertThat(code).as(verb + ": " + run.err()).isEqualTo(1);
        assertThat(run.err())
            .as(verb)
            .containsPattern("Run \\S+ of 0002_fails started; if it is interrupted, continue it")
            .contains(" started; if it is interrupted, continue it with: " + resume);
      }
    }
  }

  @Test
  void migrateRollback_printsBeforeItsFirstWrite_aResumeCommandCarryingWhereItsStateIs()
      throws Exception {
    try (RollbackTestEngine e = new RollbackTestEngine()) {
      Path m = RollbackTestEngine.carsMigration(dir);
      e.seedCarsWithPitr(m);
      java.util.List<String> where =
          java.util.List.of(
              "--ledger-table",
              "ledger-b",
              "--journal-table",
              "journal-b",
              "--migrations-dir",
              m.toString(),
              "--endpoint-url",
              e.endpoint);
      CliRun prod = new CliRun();
      java.util.List<String> prodArgs =
          new java.util.ArrayList<>(java.util.List.of("migrate", "prod", "0001", "--yes"));
      prodArgs.addAll(where);
      assertThat(prod.execute(prodArgs.toArray(String[]::new))).as(prod.err()).isZero();

      CliRun rollback = new CliRun();
      java.util.List<String> args =
          new java.util.ArrayList<>(
              java.util.List.of("migrate", "rollback", "0001", "--yes", "--state-dir", state()));
      args.addAll(where);
      int code = rollback.execute(args.toArray(String[]::new));

      assertThat(code).as(rollback.err()).isZero();
      assertThat(rollback.out())
          .containsPattern(
              "Applying as rollback (\\w+); if it is interrupted, continue it with: pitr migrate"
                  + " rollback 0001_cars_get_a_price --resume \\1 --state-dir "
                  + java.util.regex.Pattern.quote(state())
                  + " --ledger-table ledger-b --journal-table journal-b --migrations-dir "
                  + java.util.regex.Pattern.quote(m.toString())
                  + " --endpoint-url "
                  + java.util.regex.Pattern.quote(e.endpoint)
                  + "\n");
    }
  }
}
