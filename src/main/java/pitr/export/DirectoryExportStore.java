package pitr.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Export objects read from a directory laid out as S3, as the embedded engine's {@code
 * --export-dir} writes them: bucket B is the folder {@code root/B}, object key K the file {@code
 * root/B/K}.
 */
public final class DirectoryExportStore implements ExportStore {
  private final Path root;

  public DirectoryExportStore(Path root) {
    this.root = root;
  }

  @Override
  public Mono<byte[]> get(String bucket, String key) {
    return Mono.fromCallable(
            () -> {
              try {
                return Files.readAllBytes(file(bucket, key));
              } catch (NoSuchFileException e) {
                return null;
              }
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Mono<Boolean> bucketExists(String bucket) {
    return Mono.fromCallable(
            () -> {
              Path dir = root.resolve(bucket).normalize();
              return dir.startsWith(root.normalize()) && Files.isDirectory(dir);
            })
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** The folder of {@code bucket}, for messages. */
  public Path bucketDir(String bucket) {
    return root.resolve(bucket);
  }

  @Override
  public String describe(String bucket, String key) {
    try {
      return file(bucket, key).toString();
    } catch (IOException e) {
      return root.resolve(bucket) + "/" + key;
    }
  }

  private Path file(String bucket, String key) throws IOException {
    Path dir = root.resolve(bucket).normalize();
    Path file = dir.resolve(key).normalize();
    if (!file.startsWith(dir)) {
      throw new IOException("object key " + key + " leaves bucket " + bucket);
    }
    return file;
  }
}
