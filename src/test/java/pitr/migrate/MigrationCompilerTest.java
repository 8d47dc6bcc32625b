package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;

class MigrationCompilerTest {
  @TempDir Path dir;

  private MigrationCompiler compiler() {
    return MigrationCompiler.forDirectory(dir);
  }

  @Test
  void load_ofTheTemplate_compilesAndFindsTheNonPublicClassInANumberedFile() {
    MigrationFile f = new MigrationCatalog(dir).create("cars_get_a_price");

    CompiledMigration c = compiler().load(f);

    assertThat(f.name()).isEqualTo("0001_cars_get_a_price");
    assertThat(c.className()).isEqualTo("CarsGetAPrice");
    assertThat(c.migration().tables()).containsExactly("TODO-table");
    assertThat(c.checksum()).hasSize(64);
  }

  @Test
  void load_ofTheSameSourceTwice_compilesOnce_butDefinesItsClassesAfreshEachTime()
      throws Exception {
    MigrationFile f = new MigrationCatalog(dir).create("cars_get_a_price");

    MigrationCompiler.Compilation first = compiler().compile(f);
    CompiledMigration a = compiler().load(f);
    CompiledMigration b = compiler().load(f);

    assertThat(compiler().compile(f)).isSameAs(first);
    assertThat(a.migration().getClass()).isNotSameAs(b.migration().getClass());
    assertThat(a.migration().getClass().getName()).isEqualTo(b.migration().getClass().getName());

    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    MigrationFile copy =
        new MigrationFile(
            f.number(), f.name(), Files.copy(f.path(), elsewhere.resolve(f.path().getFileName())));
    assertThat(compiler().compile(copy).file()).isEqualTo(copy);
    assertThat(compiler().compile(copy).classes()).isSameAs(first.classes());

    Files.writeString(f.path(), Files.readString(f.path()).replace("TODO-table", "cars"));
    assertThat(compiler().compile(f)).isNotSameAs(first);
    assertThat(compiler().load(f).migration().tables()).containsExactly("cars");
  }

  @Test
  void compile_ofANewFileByWorkersAtOnce_runsJavacOnceAndGivesEveryWorkerItsResult()
      throws Exception {
    MigrationFile f = new MigrationCatalog(dir).create("prices_by_region");
    int workers = 4;
    CyclicBarrier start = new CyclicBarrier(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<MigrationCompiler.Compilation>> compiled = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        compiled.add(
            pool.submit(
                () -> {
                  start.await();
                  return compiler().compile(f);
                }));
      }
      MigrationCompiler.Compilation first = compiled.get(0).get(60, TimeUnit.SECONDS);
      assertThat(first.ok()).as(String.valueOf(first.errors())).isTrue();
      for (Future<MigrationCompiler.Compilation> c : compiled) {
        assertThat(c.get(60, TimeUnit.SECONDS)).isSameAs(first);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void load_whenTheSourceDoesNotCompile_namesFileLineAndColumn() {
    MigrationFile f =
        Sources.write(
            dir,
            "0001_broken.java",
            "import pitr.migrate.api.Migration;\n"
                + "class Broken implements Migration {\n"
                + "  int x = nope;\n"
                + "}\n");

    assertThatThrownBy(() -> compiler().load(f))
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith(
            "Migration 0001_broken does not compile; fix these and rerun:\n"
                + f.path()
                + ":2:1: error: Broken is not abstract and does not override abstract method")
        .hasMessageContaining(f.path() + ":3:11: error: cannot find symbol")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
  }

  @Test
  void load_whenNoClassImplementsTheApi_saysHowToDeclareOne() {
    MigrationFile f = Sources.write(dir, "0003_plain.java", "class Plain {}\n");

    assertThatThrownBy(() -> compiler().load(f))
        .hasMessage(
            "Migration 0003_plain declares no class implementing pitr.migrate.api.Migration;"
                + " declare exactly one, e.g. 'class Plain implements Migration { ... }' (see"
                + " 'pitr migrate new')");
  }

  @Test
  void load_whenTwoClassesImplementTheApi_refuses() {
    String one = Sources.setOnEveryItem("One", "t", "a", "1");
    MigrationFile f = Sources.write(dir, "0004_two.java", one + "class Two extends One {}\n");

    assertThatThrownBy(() -> compiler().load(f))
        .hasMessage(
            "Migration 0004_two declares 2 classes implementing pitr.migrate.api.Migration (One,"
                + " Two); keep exactly one");
  }

  private static final String RAW_CLIENT =
      """
      import java.util.Set;
      import pitr.migrate.api.*;
      import reactor.core.publisher.Mono;
      import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

      /** Writes with the raw client. */
      class Raw implements Migration {
        DynamoDbAsyncClient client;

        public Set<String> tables() {
          return Set.of("t");
        }

        public Mono<Void> run(MigrationContext c) {
          pitr.ErrorCode code = pitr.ErrorCode.OK;
          return Mono.empty();
        }
      }
      """;

  @Test
  void lint_rejectsTheRawClientAndToolkitInternals_evenFullyQualified() {
    MigrationFile f = Sources.write(dir, "0005_raw.java", RAW_CLIENT);

    MigrationCompiler.Compilation c = compiler().compile(f);

    assertThat(c.errors()).isEmpty();
    assertThat(c.lint())
        .containsExactly(
            f.path()
                + ":4:1: lint: import of software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient"
                + " is not allowed: the raw DynamoDB client bypasses the journal, the --max-wcu"
                + " budget and dry runs; write through context.table(...) (or add '0005_raw"
                + " software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient <reason>' to"
                + " migrations/lint-exceptions.txt)",
            f.path()
                + ":15:5: lint: use of pitr.ErrorCode is not allowed: toolkit internals are not a"
                + " stable API; use pitr.migrate.api only (or add '0005_raw pitr.ErrorCode"
                + " <reason>' to migrations/lint-exceptions.txt)");
    assertThatThrownBy(() -> compiler().load(f))
        .hasMessageStartingWith("Migration 0005_raw breaks the migration lint:\n");
  }

  @Test
  void lint_allowsWhatTheExceptionsFileListsWithAReason() throws Exception {
    Files.writeString(
        dir.resolve("lint-exceptions.txt"),
        "# why\n"
            + "0005_raw software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient kept for a"
            + " one-off admin call\n"
            + "0005_raw pitr.* error codes\n");
    MigrationFile f = Sources.write(dir, "0005_raw.java", RAW_CLIENT);

    assertThat(compiler().compile(f).lint()).isEmpty();
  }

  @Test
  void lint_flagsAnExceptionWithoutAReason() throws Exception {
    Files.writeString(dir.resolve("lint-exceptions.txt"), "0005_raw pitr.ErrorCode\n");
    MigrationFile f =
        Sources.write(dir, "0006_ok.java", Sources.setOnEveryItem("Ok", "t", "a", "1"));

    assertThat(compiler().compile(f).lint())
        .containsExactly(
            dir.resolve("lint-exceptions.txt")
                + ":1: exception '0005_raw pitr.ErrorCode' has no reason; write 'MIGRATION TYPE"
                + " REASON', e.g. '0042_fix_keys software.amazon.awssdk.core.BytesWrapper needs"
                + " raw key bytes'");
  }

  @Test
  void sourceChecksum_ignoresStampLines() {
    String a = "/**\n * Does x.\n */\nclass A {}\n";
    String b =
        "/**\n * Does x.\n * Execution Time: 2026-01-01T00:00:00Z\n"
            + " * Finalization Time: 2026-01-01T00:01:00Z\n */\nclass A {}\n";

    assertThat(MigrationCompiler.sourceChecksum(a)).isEqualTo(MigrationCompiler.sourceChecksum(b));
    assertThat(MigrationCompiler.sourceChecksum(a))
        .isNotEqualTo(MigrationCompiler.sourceChecksum(a.replace("x", "y")));
  }

  @Test
  void allowedName_coversTheApiReactorJavaAndTheModel_only() {
    assertThat(
            List.of(
                "java.util.Map",
                "reactor.core.publisher.Flux",
                "org.reactivestreams.Publisher",
                "pitr.migrate.api.Update",
                "software.amazon.awssdk.services.dynamodb.model.AttributeValue",
                "software.amazon.awssdk.services.dynamodb.model.AttributeValue.Builder",
                "software.amazon.awssdk.core.SdkBytes"))
        .allMatch(MigrationCompiler::allowedName);
    assertThat(
            List.of(
                "javax.net.ssl.SSLContext",
                "pitr.migrate.Ledger",
                "pitr.local.LocalEngine",
                "software.amazon.awssdk.services.dynamodb.DynamoDbClient",
                "software.amazon.awssdk.services.dynamodb.model.sub.Thing"))
        .noneMatch(MigrationCompiler::allowedName);
  }
}
