package pitr.local.http;

/**
 * The one access key a served engine accepts: requests must carry an AWS Signature Version 4 made
 * with it. {@link #toString()} never shows the secret.
 *
 * @param id the access key id, e.g. {@code AKIAIOSFODNN7EXAMPLE}
 * @param secret the secret access key
 */
public record AccessKey(String id, String secret) {
  public AccessKey {
    if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("an access key needs both an id and a secret");
    }
  }

  @Override
  public String toString() {
    return "AccessKey[id=" + id + ", secret=****]";
  }
}
