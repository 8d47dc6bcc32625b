package pitr.copy;

import java.util.Objects;

/**
 * A {@code --keys} file as a copy-back run records it: where it is read from, so that a resume on
 * another machine (or a Batch worker's retry) reads it again, and the SHA-256 of its bytes, so that
 * a file changed or replaced since the run started is refused before anything is written.
 *
 * @param address the {@code s3://BUCKET/KEY} address it was fetched from, or the absolute path of a
 *     local file
 * @param sha256 the hex SHA-256 of its bytes, or null when not known (runs of an older pitr)
 */
public record KeysOrigin(String address, String sha256) {
  public KeysOrigin {
    Objects.requireNonNull(address, "address");
  }

  /** True when the file is read from S3 (fetched into a private copy by each process). */
  public boolean inS3() {
    return address.regionMatches(true, 0, "s3://", 0, 5);
  }

  /**
   * True when {@code other} names the same file; when both know their SHA-256, it must be the same
   * too ({@link #changedFrom}).
   */
  boolean sameAddress(KeysOrigin other) {
    return other != null && address.equals(other.address);
  }

  /** True when {@code now} is this file read again and its bytes are no longer the same. */
  boolean changedFrom(KeysOrigin now) {
    return sameAddress(now) && sha256 != null && now.sha256 != null && !sha256.equals(now.sha256);
  }
}
