package pitr.migrate;

/**
 * A migration as {@code pitr migrate list} shows it: the file (if it still exists) and its latest
 * run in the ledger (if any).
 *
 * @param name the migration's name
 * @param state the latest run's status, or PENDING when it has none
 * @param fileExists false for a migration whose file was deleted (the ledger keeps its runs)
 * @param sourceChanged true when the file differs from the source of its latest succeeded run
 * @param latest the latest run, or null
 * @param runs how many runs the ledger has
 */
public record MigrationStatus(
    String name,
    MigrationState state,
    boolean fileExists,
    boolean sourceChanged,
    RunRecord latest,
    int runs) {}
