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
    MigrationFile file, String checksum, String className, Migration migration) {

  /** A new instance of the migration, for a worker that runs beside others in one process. */
  Migration fresh() {
    try {
      java.lang.reflect.Constructor<? extends Migration> ctor =
          migration.getClass().getDeclaredConstructor();
      ctor.setAccessible(true);
      return ctor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new pitr.PitrException(
          pitr.ErrorCode.USAGE,
          "Migration "
              + file.name()
              + ": class "
              + className
              + " could not be instantiated again ("
              + e
              + "); give it a public constructor without arguments",
          e);
    }
  }
}
