package pitr.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest's Implementation-Version, or "dev" outside a jar. */
final class ManifestVersionProvider implements IVersionProvider {
  static String version() {
    String version = ManifestVersionProvider.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"pitr " + version()};
  }
}
