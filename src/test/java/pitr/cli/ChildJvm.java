package pitr.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM for the tests that need a real process (to kill it, or to let it
 * die): this JVM's java, the test classpath, a small heap, quick start-up (since what these
 * children do is paced or small), and the tests' default state folder.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** {@code java -Xmx<heap> ... mainClass args...}. */
  static List<String> command(String heap, String mainClass, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path")));
    // The tests' default state folder (surefire sets it), so children keep out of ~/.pitr too.
    String state = System.getProperty("pitr.stateDir");
    if (state != null) {
      command.add(command.size() - 2, "-Dpitr.stateDir=" + state);
    }
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  /** The pitr command line, {@code pitr args...}, in a child JVM with a 256 MB heap. */
  static List<String> pitr(String... args) {
    return command("256m", Main.class.getName(), args);
  }
}
