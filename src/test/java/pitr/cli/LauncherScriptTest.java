package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./pitr} launcher's JVM options: a copy of the script beside a built jar, with a {@code
 * java} on the PATH that prints the arguments it was given instead of running.
 */
class LauncherScriptTest {
  private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  /** What the launcher adds so that G1 does not keep marking a heap of live tables. */
  private static final String MARKING =
      "-XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=85 ";

  /** What it adds so that what survives a young collection is promoted at once. */
  private static final String TENURE = "-XX:MaxTenuringThreshold=0 ";

  @TempDir Path dir;

  @BeforeEach
  void checkout() throws IOException {
    assumeTrue(canRun("bash"), "bash is not available");
    Files.copy(Path.of("pitr"), dir.resolve("pitr"));
    Path pom = Files.writeString(dir.resolve("pom.xml"), "<project/>");
    Files.setLastModifiedTime(pom, FileTime.from(Instant.now().minusSeconds(3600)));
    Files.createDirectories(dir.resolve("target"));
    Files.writeString(dir.resolve("target/pitr.jar"), "built");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = Files.writeString(bin.resolve("java"), "#!/usr/bin/env bash\necho \"java $*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void launcher_whenLinuxOffersHugePagesOnRequest_asksForThemBeforeTheUsersOptions()
      throws Exception {
    assumeTrue(madvise(), "transparent huge pages are not in madvise mode here");
    assertThat(launch("-Xmx6g", "--version"))
        .isEqualTo(
            "java "
                + MARKING
                + TENURE
                + "-XX:+UseTransparentHugePages -Xmx6g -jar "
                + dir.resolve("target/pitr.jar")
                + " --version");
  }

  @Test
  void launcher_whenHugePagesAreNotOfferedOnRequest_passesOnlyTheUsersOptions() throws Exception {
    assumeTrue(!madvise(), "transparent huge pages are in madvise mode here");
    assertThat(launch("-Xmx6g", "--version"))
        .isEqualTo(
            "java "
                + MARKING
                + TENURE
                + "-Xmx6g -jar "
                + dir.resolve("target/pitr.jar")
                + " --version");
  }

  @Test
  void launcher_whenTheUsersOptionsNameHugePages_passesThemUnchanged() throws Exception {
    assertThat(launch("-XX:-UseTransparentHugePages -Xmx1g", "local", "serve"))
        .isEqualTo(
            "java "
                + MARKING
                + TENURE
                + "-XX:-UseTransparentHugePages -Xmx1g -jar "
                + dir.resolve("target/pitr.jar")
                + " local serve");
  }

  @Test
  void launcher_withNoOptionsOfTheUsers_runsTheJar() throws Exception {
    String expected = "-jar " + dir.resolve("target/pitr.jar") + " runs";
    assertThat(launch("", "runs"))
        .isEqualTo(
            madvise()
                ? "java " + MARKING + TENURE + "-XX:+UseTransparentHugePages " + expected
                : "java " + MARKING + TENURE + expected);
  }

  @Test
  void launcher_whenTheUsersOptionsSetWhenMarkingStartsOrNameACollector_addsNoMarkingOptions()
      throws Exception {
    String hugePages = madvise() ? "-XX:+UseTransparentHugePages " : "";
    String jar = " -jar " + dir.resolve("target/pitr.jar") + " runs";
    for (String users :
        new String[] {"-XX:InitiatingHeapOccupancyPercent=60", "-XX:+G1UseAdaptiveIHOP"}) {
      assertThat(launch(users, "runs"))
          .as(users)
          .isEqualTo("java " + TENURE + hugePages + users + jar);
    }
    for (String users : new String[] {"-XX:+UseParallelGC -Xmx2g", "-XX:+UseG1GC"}) {
      assertThat(launch(users, "runs")).as(users).isEqualTo("java " + hugePages + users + jar);
    }
  }

  @Test
  void launcher_whenTheUsersOptionsSetTenuring_addsNoTenuringOption() throws Exception {
    String hugePages = madvise() ? "-XX:+UseTransparentHugePages " : "";
    String jar = " -jar " + dir.resolve("target/pitr.jar") + " runs";
    for (String users : new String[] {"-XX:MaxTenuringThreshold=4", "-XX:+AlwaysTenure"}) {
      assertThat(launch(users, "runs"))
          .as(users)
          .isEqualTo("java " + MARKING + hugePages + users + jar);
    }
  }

  @Test
  void launcher_askedToPrintItsOptions_printsOnePerLineWithoutBuildingOrRunning() throws Exception {
    // No jar at all: a launcher that tried to build or run would fail here.
    Files.delete(dir.resolve("target/pitr.jar"));
    String hugePages = madvise() ? "\n-XX:+UseTransparentHugePages" : "";
    assertThat(launch(Map.of("PITR_PRINT_JAVA_OPTS", "1"), "-Xmx4g", "runs"))
        .isEqualTo(
            "-XX:-G1UseAdaptiveIHOP\n-XX:InitiatingHeapOccupancyPercent=85"
                + "\n-XX:MaxTenuringThreshold=0"
                + hugePages
                + "\n-Xmx4g");
    assertThat(launch(Map.of("PITR_PRINT_JAVA_OPTS", "1"), "-XX:+UseParallelGC", "runs"))
        .isEqualTo((madvise() ? "-XX:+UseTransparentHugePages\n" : "") + "-XX:+UseParallelGC");
  }

  private String launch(String javaOpts, String... args) throws IOException, InterruptedException {
    return launch(Map.of(), javaOpts, args);
  }

  private String launch(Map<String, String> extraEnv, String javaOpts, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder("bash", dir.resolve("pitr").toString());
    b.command().addAll(java.util.List.of(args));
    Map<String, String> env = b.environment();
    env.put("PATH", dir.resolve("bin") + ":" + env.get("PATH"));
    env.put("PITR_JAVA_OPTS", javaOpts);
    env.putAll(extraEnv);
    b.redirectErrorStream(true);
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static boolean madvise() throws IOException {
    return Files.isReadable(THP) && Files.readString(THP).contains("[madvise]");
  }

  private static boolean canRun(String program) {
    try {
      return new ProcessBuilder(program, "-c", "true").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
