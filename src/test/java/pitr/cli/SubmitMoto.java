package pitr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import pitr.dynamo.MotoServer;

/**
 * Test fixture of the {@code --submit batch} tests: a moto_server per test class with job
 * definition {@code pitr} registered, handed to the class's {@code @BeforeAll} method as a {@link
 * MotoBatch} parameter and closed after its last test. Where moto_server is not on PATH the class
 * is skipped.
 */
final class SubmitMoto implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SubmitMoto.class);

  /** Closed with the test class's store, after its last test. */
  private record Held(MotoBatch moto, Path dir)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws IOException {
      moto.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Assumptions.assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    Path dir = Files.createTempDirectory("pitr-moto");
    MotoBatch moto = MotoBatch.start(dir);
    context.getStore(NAMESPACE).put(Held.class, new Held(moto, dir));
    moto.batch.registerJobDefinition(
        r ->
            r.jobDefinitionName("pitr")
                .type("container")
                .containerProperties(c -> c.image("pitr:test").vcpus(1).memory(2048)));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MotoBatch.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).get(Held.class, Held.class).moto();
  }
}
