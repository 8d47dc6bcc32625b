package pitr.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes migration sources into a test's folder. */
final class Sources {
  private Sources() {}

  static MigrationFile write(Path dir, String fileName, String source) {
    try {
      Files.createDirectories(dir);
      Path p = dir.resolve(fileName);
      Files.writeString(p, source);
      return MigrationFile.of(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copyExample(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      Files.copy(Path.of("migrations", name + ".java"), dir.resolve(name + ".java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A migration that sets {@code attr} to {@code value} on every item of {@code table}. */
  static String setOnEveryItem(String className, String table, String attr, String value) {
    return """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Sets %3$s on every item. */
        class %1$s implements Migration {
          public Set<String> tables() {
            return Set.of("%2$s");
          }

          public Mono<Void> run(MigrationContext c) {
            MigrationTable t = c.table("%2$s");
            return t.forEachItem(
                    ScanOptions.defaults().segments(2).pageSize(3),
                    i -> t.update(i, Update.set("%3$s", AttributeValue.fromS("%4$s"))))
                .then();
          }
        }
        """
        .formatted(className, table, attr, value);
  }
}
