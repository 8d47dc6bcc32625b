package pitr.migrate;

import pitr.migrate.api.Migration;

/**
 * A migration compiled, linted and instantiated, ready to run.
 *
 * @param file the source file
 * @param checksum hex SHA-256 of the source, recorded in the ledger
 * @param className the binary name of the class implementing {@link Migration}
 * @param migration a new instance
 */
record CompiledMigration(
    MigrationFile file, String checksum, String className, Migration migration) {}
