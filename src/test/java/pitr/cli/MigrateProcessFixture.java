package pitr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared setup of the tests that run pitr (a migration, a rollback apply, a copy-back) in child
 * JVMs and kill them with SIGKILL: the engine over loopback HTTP ({@link RollbackTestEngine}) and
 * the children (killed after each test if still running). The in-process run that comes to a killed
 * migration afterwards is {@link CliRun#anHourLater()}.
 */
abstract class MigrateProcessFixture {
  @TempDir Path dir;

  final RollbackTestEngine local = new RollbackTestEngine();
  final String endpoint = local.endpoint;
  private final List<Child> children = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Child c : children) {
      c.process().destroyForcibly();
      c.process().waitFor();
    }
    local.close();
  }

  /**
   * Starts {@code pitr args...} in a child JVM with {@code env} added to its environment, its
   * output in the folder {@code name} of {@link #dir}.
   */
  Child child(String name, Map<String, String> env, String... args) throws IOException {
    Child child = Child.start(ChildJvm.pitr(args), env, Files.createDirectories(dir.resolve(name)));
    children.add(child);
    return child;
  }

  /**
   * Starts {@code pitr args...} in a child JVM as AWS Batch starts child {@code index} (from 1) of
   * array job {@code jobId}: with {@code AWS_BATCH_JOB_ARRAY_INDEX} and {@code AWS_BATCH_JOB_ID} in
   * its environment, its output in the folder {@code name} of {@link #dir}.
   */
  Child arrayChild(String name, String jobId, int index, String... args) throws IOException {
    return child(
        name,
        Map.of(
            "AWS_BATCH_JOB_ARRAY_INDEX",
            Integer.toString(index - 1),
            "AWS_BATCH_JOB_ID",
            jobId + ":" + (index - 1)),
        args);
  }

  /**
   * Starts {@code pitr migrate dev 0001} of the migrations in {@code m} on the engine in a child
   * JVM, paced to {@code maxWcu} writes a second so that it is still writing when it is killed.
   */
  Child migrateDevInChild(Path m, String maxWcu) throws IOException {
    return child(
        "child",
        Map.of(),
        "migrate",
        "dev",
        "0001",
        "--migrations-dir",
        m.toString(),
        "--endpoint-url",
        endpoint,
        "--max-wcu",
        maxWcu);
  }
}
