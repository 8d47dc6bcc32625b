package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.Permission;
import pitr.local.iam.PolicyDocument;

/**
 * The S3 statements of the export commands' policies, checked against the calls pitr's S3 client
 * really makes: the engine does not enforce S3 (exports are files in its export directory), so the
 * commands read those files through a stand-in S3 endpoint ({@code AWS_ENDPOINT_URL_S3}) that
 * records each request as the IAM permission AWS checks for it (HeadBucket: s3:ListBucket on the
 * bucket; GetObject: s3:GetObject on the object). Every recorded permission must be allowed by the
 * policy {@code pitr iam-policy} prints, and every S3 read action of the policy must be used. The
 * writes DynamoDB makes into the bucket as the caller (s3:PutObject, s3:PutObjectAcl,
 * s3:AbortMultipartUpload, from the developer guide) are asked of the commands that request an
 * export and of none other.
 */
class IamS3GrantsTest {
  private static final Set<String> EXPORT_WRITES =
      Set.of("s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl");

  @TempDir Path dir;
  private HttpServer s3;
  private final List<Permission> calls = Collections.synchronizedList(new ArrayList<>());
  private IamTestEngine engine;
  private Instant[] t;

  @BeforeEach
  void start() throws IOException {
    Files.createDirectories(dir.resolve("s3/exports"));
    s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s3.createContext("/", this::answer);
    s3.start();
    engine = new IamTestEngine(dir.resolve("s3"));
    t = engine.incident();
  }

  @AfterEach
  void stop() {
    engine.close();
    s3.stop(0);
  }

  /** Serves the engine's export directory as path-style S3, recording what each call needs. */
  private void answer(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath().substring(1);
    int slash = path.indexOf('/');
    String bucket = slash < 0 ? path : path.substring(0, slash);
    String key = slash < 0 ? "" : path.substring(slash + 1);
    Path file = dir.resolve("s3").resolve(bucket);
    byte[] body = new byte[0];
    int status;
    if (x.getRequestMethod().equals("HEAD") && key.isEmpty()) {
      calls.add(new Permission("s3:ListBucket", "arn:aws:s3:::" + bucket));
      status = Files.isDirectory(file) ? 200 : 404;
    } else if (x.getRequestMethod().equals("GET") && !key.isEmpty()) {
      calls.add(new Permission("s3:GetObject", "arn:aws:s3:::" + bucket + "/" + key));
      if (Files.isRegularFile(file.resolve(key))) {
        status = 200;
        body = Files.readAllBytes(file.resolve(key));
      } else {
        status = 404;
        body =
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
                .getBytes(StandardCharsets.UTF_8);
      }
    } else {
      calls.add(new Permission("s3:" + x.getRequestMethod(), "arn:aws:s3:::" + path));
      status = 501;
    }
    x.sendResponseHeaders(status, x.getRequestMethod().equals("HEAD") ? -1 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  /** Runs {@code args} with S3 on the stand-in endpoint, polling exports every 10 ms. */
  private CliRun pitr(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--export-poll-interval", "10ms"));
    CliRun run =
        engine.run(
            Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3.getAddress().getPort()),
            all.toArray(String[]::new));
    assertThat(run.err()).as(String.join(" ", all)).doesNotContain("error:");
    return run;
  }

  private static JsonNode policy(String... args) throws Exception {
    return IamTestEngine.printedPolicy(List.of(args));
  }

  /** The S3 actions of {@code policy}. */
  private static Set<String> s3Actions(JsonNode policy) {
    Set<String> actions = new TreeSet<>();
    policy.get("Statement").forEach(s -> s.get("Action").forEach(a -> actions.add(a.asText())));
    actions.removeIf(a -> !a.startsWith("s3:"));
    return actions;
  }

  /** Asserts that {@code policy} allows every call recorded and uses each of its S3 reads. */
  private void assertExactFor(JsonNode policy, boolean requestsAnExport) {
    IamPolicies policies =
        IamPolicies.of(
            Map.of("k", List.of(PolicyDocument.parse(policy.toString()))), "000000000000");
    List<Permission> made;
    synchronized (calls) {
      made = List.copyOf(calls);
    }
    assertThat(made).isNotEmpty();
    for (Permission call : made) {
      assertThat(policies.deny("k", List.of(call)))
          .as("%s on %s", call.action(), call.resource())
          .isNull();
    }
    Set<String> used = new TreeSet<>();
    made.forEach(p -> used.add(p.action()));
    Set<String> reads = s3Actions(policy);
    reads.removeAll(EXPORT_WRITES);
    assertThat(used).as("S3 actions the command called").isEqualTo(reads);
    Set<String> writes = s3Actions(policy);
    writes.retainAll(EXPORT_WRITES);
    assertThat(writes).isEqualTo(requestsAnExport ? EXPORT_WRITES : Set.of());
  }

  @Test
  void exportWithWait_needsOnlyToSeeTheBucket_andDynamoDbsWritesUnderThePrefix() throws Exception {
    pitr(IamTestEngine.exportOf(t, "--bucket", "exports", "--prefix", "incident/", "--wait"));

    JsonNode policy =
        policy(
            "export",
            "--wait",
            "--table",
            "orders",
            "--bucket",
            "exports",
            "--prefix",
            "incident/");
    assertExactFor(policy, true);
    assertThat(policy.toString()).contains("\"arn:aws:s3:::exports/incident/*\"");
  }

  @Test
  void changes_readsTheExportItRequests_underThePrefix() throws Exception {
    pitr(IamTestEngine.changesOf(t, "--bucket", "exports", "--prefix", "incident/"));

    assertExactFor(
        policy("changes", "--table", "orders", "--bucket", "exports", "--prefix", "incident/"),
        true);
  }

  @Test
  void changesOfAnExportMadeBefore_onlyReadsIt() throws Exception {
    String arn = exportMadeBefore();

    pitr(List.of("changes", "orders", "--export", arn));

    assertExactFor(
        policy("changes", "--table", "orders", "--bucket", "exports", "--export", arn), false);
  }

  @Test
  void rollbackFromAnExport_readsTheExportItRequests() throws Exception {
    pitr(IamTestEngine.rollbackFromExportOf(t, state(), "--bucket", "exports"));

    assertExactFor(
        policy("rollback", "--source", "export", "--table", "orders", "--bucket", "exports"), true);
  }

  @Test
  void rollbackFromAnExportMadeBefore_onlyReadsIt() throws Exception {
    String arn = exportMadeBefore();

    pitr(IamTestEngine.rollbackFromExportOf(t, state(), "--export", arn));

    assertExactFor(
        policy(
            "rollback",
            "--source",
            "export",
            "--table",
            "orders",
            "--bucket",
            "exports",
            "--export",
            arn),
        false);
  }

  private String state() {
    return dir.resolve("state").toString();
  }

  /** An incremental export of [T0, T1) requested with the engine's directory, calls forgotten. */
  private String exportMadeBefore() {
    String arn = engine.exportMadeBefore(t);
    calls.clear();
    return arn;
  }
}
