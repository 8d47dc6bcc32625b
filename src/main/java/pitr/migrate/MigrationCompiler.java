package pitr.migrate;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.api.Migration;

/**
 * Compiles a migration file in memory against the running toolkit's classpath (also inside the
 * shaded jar), lints what it uses, and instantiates the one class implementing {@link Migration}.
 *
 * <p>The lint resolves every name the source uses, so a fully qualified {@code
 * software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient} is caught as well as an import.
 */
public final class MigrationCompiler {
  /** What a migration may use without an exception: packages, and single types. */
  static final List<String> ALLOWED_PACKAGES =
      List.of(
          "java",
          "reactor",
          "org.reactivestreams",
          "pitr.migrate.api",
          "software.amazon.awssdk.services.dynamodb.model");

  static final Set<String> ALLOWED_TYPES = Set.of("software.amazon.awssdk.core.SdkBytes");

  private static final Set<String> RAW_CLIENTS =
      Set.of(
          "software.amazon.awssdk.services.dynamodb.DynamoDbClient",
          "software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient");

  private static final Map<String, String> CLASSPATH = new ConcurrentHashMap<>();

  /**
   * This process's compilations, by file name, source and lint exceptions, the most recent 64: a
   * file is compiled once however often it is loaded (workers in one process, a resume after a dry
   * run), while each load still defines its classes afresh, so no static state is shared between
   * runs. A file that failed is compiled again from another folder, its messages naming its path.
   */
  private static final Map<CompileKey, Compilation> COMPILED =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<CompileKey, Compilation> eldest) {
              return size() > 64;
            }
          });

  /**
   * Held while javac runs: one compilation at a time per process, so workers of one run in one
   * process that load a new migration together compile it once, and javac tasks (which share the
   * JDK's module index) never run side by side. A test suite run once failed inside javac
   * ("tree.starImportScope is null") just after such workers; that they were the cause is not
   * proven.
   */
  private static final Object JAVAC = new Object();

  private record CompileKey(String fileName, String source, LintExceptions exceptions) {}

  private final LintExceptions exceptions;

  MigrationCompiler(LintExceptions exceptions) {
    this.exceptions = exceptions;
  }

  /** A compiler using {@code lint-exceptions.txt} from {@code dir}, if present. */
  public static MigrationCompiler forDirectory(Path dir) {
    return new MigrationCompiler(LintExceptions.load(dir));
  }

  /** The outcome of compiling and linting one file. */
  record Compilation(
      MigrationFile file,
      String source,
      String checksum,
      List<String> errors,
      List<String> lint,
      Map<String, byte[]> classes) {
    boolean ok() {
      return errors.isEmpty() && lint.isEmpty();
    }
  }

  /**
   * Compiles, lints and instantiates {@code file}.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when it does not compile (file, line and column
   *     of each error), breaks the lint, or does not declare exactly one class implementing {@link
   *     Migration}
   */
  CompiledMigration load(MigrationFile file) {
    Compilation c = compile(file);
    if (!c.errors().isEmpty()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + file.name()
              + " does not compile; fix these and rerun:\n"
              + String.join("\n", c.errors()));
    }
    if (!c.lint().isEmpty()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + file.name()
              + " breaks the migration lint:\n"
              + String.join("\n", c.lint()));
    }
    return instantiate(c);
  }

  /**
   * Hex SHA-256 of a migration's source without its {@code Execution Time:} and {@code Finalization
   * Time:} lines, so stamping a file does not count as changing it.
   */
  public static String sourceChecksum(String source) {
    StringBuilder kept = new StringBuilder();
    for (String line : source.split("\n", -1)) {
      if (!HeaderStamp.isStampLine(line)) {
        kept.append(line.stripTrailing()).append('\n');
      }
    }
    return ItemHash.sha256(kept.toString());
  }

  /** Compiles and lints {@code file}; problems are returned, not thrown. */
  Compilation compile(MigrationFile file) {
    String source;
    try {
      source = Files.readString(file.path(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE, "Cannot read migration " + file.path() + ": " + e.getMessage(), e);
    }
    CompileKey key = new CompileKey(file.path().getFileName().toString(), source, exceptions);
    // Looked up under the lock too: a worker that waited for another's compilation of the same
    // file takes its result.
    synchronized (JAVAC) {
      Compilation compiled = COMPILED.get(key);
      if (compiled != null && compiled.file().equals(file)) {
        return compiled;
      }
      if (compiled != null && compiled.ok()) {
        // The same file in another folder: its classes are the same; only messages name a path.
        return new Compilation(
            file, source, compiled.checksum(), List.of(), List.of(), compiled.classes());
      }
      compiled = compile(file, source);
      COMPILED.put(key, compiled);
      return compiled;
    }
  }

  private Compilation compile(MigrationFile file, String source) {
    String checksum = sourceChecksum(source);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new PitrException(
          ErrorCode.FAILED,
          "This Java runtime has no compiler (it is a JRE); run pitr with a JDK 17 or newer");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
    Map<String, byte[]> classes = new LinkedHashMap<>();
    List<String> lint = new ArrayList<>();
    String display = file.path().toString();
    try (JavaFileManager manager = new MemoryFileManager(standard, classes)) {
      JavaFileObject unit = new SourceFile(file.path().toUri(), source);
      List<String> options =
          List.of(
              "-classpath",
              classpath(),
              "-proc:none",
              "-encoding",
              "UTF-8",
              "-g",
              "-Xlint:none",
              "-nowarn");
      JavacTask task =
          (JavacTask) compiler.getTask(null, manager, diagnostics, options, null, List.of(unit));
      Iterable<? extends CompilationUnitTree> units = task.parse();
      task.analyze();
      if (!hasErrors(diagnostics)) {
        Trees trees = Trees.instance(task);
        for (CompilationUnitTree u : units) {
          lint.addAll(lint(file, display, u, trees));
        }
        lint.addAll(exceptions.problems());
        task.generate();
      }
    } catch (IOException e) {
      throw new PitrException(ErrorCode.FAILED, "Compiling " + display + " failed: " + e, e);
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(
            display
                + ":"
                + d.getLineNumber()
                + ":"
                + d.getColumnNumber()
                + ": error: "
                + d.getMessage(Locale.ROOT));
      }
    }
    return new Compilation(
        file, source, checksum, List.copyOf(errors), List.copyOf(lint), Map.copyOf(classes));
  }

  private static boolean hasErrors(DiagnosticCollector<JavaFileObject> diagnostics) {
    return diagnostics.getDiagnostics().stream()
        .anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
  }

  private List<String> lint(
      MigrationFile file, String display, CompilationUnitTree unit, Trees trees) {
    Map<String, String> found = new LinkedHashMap<>();
    if (unit.getPackageName() != null) {
      found.put(
          "package " + unit.getPackageName(),
          position(display, unit, unit.getPackage(), trees)
              + ": lint: migration declares package "
              + unit.getPackageName()
              + "; remove the package line, migrations live in the default package");
    }
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitImport(ImportTree node, Void unused) {
        String q = node.getQualifiedIdentifier().toString();
        String target = node.isStatic() ? q.substring(0, q.lastIndexOf('.')) : q;
        if (!allowedName(target) && !exceptions.allows(file.name(), target)) {
          found.putIfAbsent(
              target,
              position(display, unit, node, trees) + ": lint: " + why("import", target, file));
        }
        return null;
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        check(getCurrentPath(), node);
        return super.visitIdentifier(node, unused);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree node, Void unused) {
        check(getCurrentPath(), node);
        return super.visitMemberSelect(node, unused);
      }

      private void check(TreePath path, Tree node) {
        Element e = trees.getElement(path);
        TypeElement type = topLevelType(e);
        if (type == null) {
          return;
        }
        String q = type.getQualifiedName().toString();
        if (!allowedName(q) && !exceptions.allows(file.name(), q)) {
          found.putIfAbsent(
              q, position(display, unit, node, trees) + ": lint: " + why("use", q, file));
        }
      }
    }.scan(unit, null);
    return List.copyOf(found.values());
  }

  private static TypeElement topLevelType(Element e) {
    Element cur = e;
    while (cur != null && !(cur instanceof TypeElement t && isTopLevel(t))) {
      if (cur.getKind() == ElementKind.PACKAGE) {
        return null;
      }
      cur = cur.getEnclosingElement();
    }
    return (TypeElement) cur;
  }

  private static boolean isTopLevel(TypeElement t) {
    return t.getEnclosingElement() instanceof PackageElement;
  }

  static boolean allowedName(String qualifiedName) {
    if (ALLOWED_TYPES.contains(qualifiedName) || !qualifiedName.contains(".")) {
      return true;
    }
    for (String p : ALLOWED_PACKAGES) {
      if (qualifiedName.startsWith(p + ".")) {
        // Sub-packages of the SDK model and the API are not part of the allowed surface.
        String rest = qualifiedName.substring(p.length() + 1);
        boolean exactPackage =
            p.equals("java")
                || p.equals("reactor")
                || !rest.contains(".")
                || rest.endsWith("*")
                || Character.isUpperCase(rest.charAt(0));
        if (exactPackage) {
          return true;
        }
      }
    }
    return false;
  }

  private static String why(String kind, String name, MigrationFile file) {
    String reason;
    if (RAW_CLIENTS.contains(name)) {
      reason =
          "the raw DynamoDB client bypasses the journal, the --max-wcu budget and dry runs; write"
              + " through context.table(...)";
    } else if (name.startsWith("pitr.")) {
      reason = "toolkit internals are not a stable API; use pitr.migrate.api only";
    } else {
      reason =
          "a migration may use only pitr.migrate.api, Reactor, java.* and"
              + " software.amazon.awssdk.services.dynamodb.model.*";
    }
    return kind
        + " of "
        + name
        + " is not allowed: "
        + reason
        + " (or add '"
        + file.name()
        + " "
        + name
        + " <reason>' to migrations/"
        + LintExceptions.FILE_NAME
        + ")";
  }

  private static String position(String display, CompilationUnitTree unit, Tree node, Trees trees) {
    long pos = trees.getSourcePositions().getStartPosition(unit, node);
    return display
        + ":"
        + unit.getLineMap().getLineNumber(pos)
        + ":"
        + unit.getLineMap().getColumnNumber(pos);
  }

  CompiledMigration instantiate(Compilation c) {
    MemoryClassLoader loader = new MemoryClassLoader(c.classes(), Migration.class.getClassLoader());
    List<Class<?>> found = new ArrayList<>();
    for (String name : c.classes().keySet()) {
      try {
        Class<?> k = loader.loadClass(name);
        if (Migration.class.isAssignableFrom(k)
            && !k.isInterface()
            && !Modifier.isAbstract(k.getModifiers())) {
          found.add(k);
        }
      } catch (ClassNotFoundException | LinkageError e) {
        throw new PitrException(
            ErrorCode.USAGE, "Migration " + c.file().name() + " cannot be loaded: " + e, e);
      }
    }
    found.sort(java.util.Comparator.comparing(Class::getName));
    String name = c.file().name();
    if (found.isEmpty()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + name
              + " declares no class implementing pitr.migrate.api.Migration; declare exactly one,"
              + " e.g. 'class "
              + MigrationCatalog.className(c.file().shortName())
              + " implements Migration { ... }' (see 'pitr migrate new')");
    }
    if (found.size() > 1) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + name
              + " declares "
              + found.size()
              + " classes implementing pitr.migrate.api.Migration ("
              + String.join(", ", found.stream().map(Class::getName).toList())
              + "); keep exactly one");
    }
    Class<?> k = found.get(0);
    try {
      Constructor<?> ctor = k.getDeclaredConstructor();
      ctor.setAccessible(true);
      return new CompiledMigration(
          c.file(), c.checksum(), k.getName(), (Migration) ctor.newInstance());
    } catch (NoSuchMethodException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + name
              + ": class "
              + k.getName()
              + " needs a constructor without arguments");
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration " + name + ": creating " + k.getName() + " failed: " + cause,
          cause);
    }
  }

  /**
   * The classpath migrations compile against: the JVM's class path plus wherever the API, Reactor
   * and the SDK model were loaded from (an IDE, a test runner or the shaded jar).
   */
  static String classpath() {
    return CLASSPATH.computeIfAbsent(
        "cp",
        k -> {
          Set<String> entries = new LinkedHashSet<>();
          for (Class<?> c :
              List.of(
                  Migration.class,
                  reactor.core.publisher.Flux.class,
                  org.reactivestreams.Publisher.class,
                  software.amazon.awssdk.services.dynamodb.model.AttributeValue.class,
                  software.amazon.awssdk.core.SdkBytes.class,
                  software.amazon.awssdk.utils.builder.ToCopyableBuilder.class,
                  software.amazon.awssdk.awscore.AwsRequest.class)) {
            String location = location(c);
            if (location != null) {
              entries.add(location);
            }
          }
          for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
              entries.add(e);
            }
          }
          return String.join(File.pathSeparator, entries);
        });
  }

  private static String location(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static final class SourceFile extends SimpleJavaFileObject {
    private final String source;

    SourceFile(URI uri, String source) {
      super(uri, Kind.SOURCE);
      this.source = source;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return source;
    }
  }

  private static final class MemoryFileManager
      extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, byte[]> classes;

    MemoryFileManager(StandardJavaFileManager standard, Map<String, byte[]> classes) {
      super(standard);
      this.classes = classes;
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      return new SimpleJavaFileObject(
          URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
        @Override
        public OutputStream openOutputStream() {
          return new ByteArrayOutputStream() {
            @Override
            public void close() {
              classes.put(className, toByteArray());
            }
          };
        }
      };
    }
  }

  private static final class MemoryClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    MemoryClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
