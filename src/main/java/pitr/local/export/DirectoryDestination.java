package pitr.local.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A directory laid out as S3: bucket B is the folder {@code root/B}, which must exist (as a bucket
 * must), and object key K the file {@code root/B/K}. Each object is written to a temporary sibling
 * and renamed into place, so a reader never sees half an object.
 */
final class DirectoryDestination implements ExportDestination {
  private final Path root;

  DirectoryDestination(Path root) {
    this.root = root;
  }

  @Override
  public boolean bucketExists(String bucket) {
    return Files.isDirectory(bucketDir(bucket));
  }

  @Override
  public void put(String bucket, String key, byte[] body) throws IOException {
    Path target = bucketDir(bucket).resolve(key).normalize();
    if (!target.startsWith(bucketDir(bucket))) {
      throw new IOException("object key " + key + " leaves bucket " + bucket);
    }
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), ".part-", ".tmp");
    try {
      Files.write(temp, body);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public String describe() {
    return "directory " + root.toAbsolutePath();
  }

  private Path bucketDir(String bucket) {
    return root.resolve(bucket).normalize();
  }
}
