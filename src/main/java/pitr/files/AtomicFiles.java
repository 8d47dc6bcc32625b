package pitr.files;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * Writes a file whole or not at all: the content goes to a temporary sibling created readable by
 * its owner only, is forced to disk, and is renamed over the target, and the directory is forced
 * too, so after a crash the target holds either its old content or the complete new one.
 */
public final class AtomicFiles {
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");

  private AtomicFiles() {}

  /** What writes a file's content; the writer is buffered and closed by the caller. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Writer out) throws IOException;
  }

  /**
   * Replaces {@code file} with what {@code content} writes, atomically and durably.
   *
   * @throws IOException when the file cannot be written; the target is then unchanged and no
   *     temporary file is left behind
   */
  public static void write(Path file, Content content) throws IOException {
    write(file, OWNER_FILE, content);
  }

  /**
   * Replaces an existing file that is not pitr's own (a migration's source), atomically and
   * durably, keeping its permissions.
   */
  public static void rewrite(Path file, String text) throws IOException {
    // Through a link, replace what it points at, not the link.
    Path real = file.toRealPath();
    Set<PosixFilePermission> perms =
        supportsPosix(real) ? Files.getPosixFilePermissions(real) : OWNER_FILE;
    write(real, perms, out -> out.write(text));
  }

  private static void write(Path file, Set<PosixFilePermission> perms, Content content)
      throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    createPrivateDirectories(dir);
    // Unique per writer: processes of one run may replace the same file at the same time.
    Path tmp =
        dir.resolve(
            "."
                + target.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              tmp,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              ownerOnly(tmp, perms))) {
        Writer out =
            new BufferedWriter(
                new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8),
                1 << 16);
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      if (perms != OWNER_FILE && supportsPosix(tmp)) {
        // Creation masks the mode with the umask; a rewrite keeps exactly the old one.
        Files.setPosixFilePermissions(tmp, perms);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Replaces {@code file} with {@code text}, atomically and durably. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, out -> out.write(text));
  }

  /**
   * Creates {@code dir} and any missing parents, new ones readable by their owner only; existing
   * folders keep their permissions.
   */
  public static void createPrivateDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    Path parent = abs.getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    try {
      Files.createDirectory(abs, ownerOnly(abs, OWNER_DIR));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw new NotDirectoryException(abs.toString());
      }
    }
  }

  /**
   * Refuses an output path that cannot be written, before any work: its folder must exist or be
   * creatable, and the path must not be a folder. Called by commands while they check arguments, so
   * that a bad path fails before the first request, not after the work.
   *
   * @param option the option that named the path, for the message
   * @throws PitrException {@link ErrorCode#USAGE} naming the option, the path and the fix
   */
  public static void checkWritable(Path file, String option) {
    Path target = file.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw unwritable(option, file, "it is a folder", "name a file");
    }
    Path dir = target.getParent();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw unwritable(
          option, file, existing + " is not a folder", "choose a path under an existing folder");
    }
    if (!Files.isWritable(existing)) {
      throw unwritable(
          option,
          file,
          "folder " + existing + " is not writable",
          "choose a folder you can write to");
    }
    if (Files.exists(target) && !Files.isWritable(target)) {
      throw unwritable(
          option, file, "the file is not writable", "remove it or choose another path");
    }
  }

  /**
   * A message for an I/O failure on {@code file} that names it and the cause, not an exception
   * class.
   */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or folder " + e.getMessage();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied on " + e.getMessage();
    }
    if (e instanceof NotDirectoryException) {
      return e.getMessage() + " is not a folder";
    }
    if (e instanceof FileAlreadyExistsException) {
      return e.getMessage() + " already exists";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static PitrException unwritable(String option, Path file, String why, String fix) {
    return new PitrException(
        ErrorCode.USAGE,
        "Cannot write " + option + " " + file + ": " + why + "; " + fix + ". Nothing was changed.");
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * The attributes that create a file readable and writable by its owner only (none where the file
   * system has no POSIX permissions), for files pitr appends to rather than writes whole.
   */
  public static FileAttribute<?>[] ownerOnlyFile(Path file) {
    return ownerOnly(file, OWNER_FILE);
  }

  private static FileAttribute<?>[] ownerOnly(Path path, Set<PosixFilePermission> perms) {
    return supportsPosix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)}
        : new FileAttribute<?>[0];
  }

  /** Forces a directory's entries to disk, where the platform allows opening a directory. */
  static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot open a directory; the rename is then as durable as they allow.
    }
  }
}
