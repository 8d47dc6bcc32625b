package pitr.migrate.api;

/** Which environment a run targets. */
public enum RunMode {
  /** The local environment: the embedded engine or a {@code pitr local serve} endpoint. */
  DEV,
  /** The configured AWS account, after preflight snapshot checks on every declared table. */
  PROD
}
