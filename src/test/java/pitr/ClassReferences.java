package pitr;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The classes each compiled pitr class refers to, read from the constant pool of its class file:
 * classes it names, and every class in the descriptors and signatures of the fields, methods and
 * calls it uses. That covers imports and fully qualified names alike; string literals do not count.
 * Compile-time constants are inlined by javac and leave no reference, as they leave no dependency.
 */
final class ClassReferences {
  private static final Pattern TYPE = Pattern.compile("pitr/[A-Za-z0-9_/$]+");

  /** Referring class (dotted, nested classes folded into their top-level class) to referred. */
  final Map<String, Set<String>> byClass;

  /** Per referring class, the methods it calls, as {@code pitr.dynamo.DynamoDbGateway#scanPage}. */
  final Map<String, Set<String>> calls;

  private ClassReferences(Map<String, Set<String>> byClass, Map<String, Set<String>> calls) {
    this.byClass = byClass;
    this.calls = calls;
  }

  /** Every class under {@code pitr} in the main output folder ({@code target/classes}). */
  static ClassReferences ofMainClasses() {
    Path root;
    try {
      root = Path.of(ErrorCode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Set<String>> refs = new TreeMap<>();
    Map<String, Set<String>> calls = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root.resolve("pitr"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = topLevel(root.relativize(file).toString().replace('\\', '/'));
        if (name.endsWith(".package-info")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          Parsed p = parse(in);
          refs.computeIfAbsent(name, k -> new TreeSet<>()).addAll(p.types);
          calls.computeIfAbsent(name, k -> new TreeSet<>()).addAll(p.calls);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ClassReferences(refs, calls);
  }

  /** {@code pitr/cli/Main$1.class} to {@code pitr.cli.Main}. */
  private static String topLevel(String internal) {
    String n =
        internal.endsWith(".class") ? internal.substring(0, internal.length() - 6) : internal;
    int dollar = n.indexOf('$');
    return (dollar < 0 ? n : n.substring(0, dollar)).replace('/', '.');
  }

  /** The package of a dotted class name. */
  static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  /** Each reference from a class in a package accepted by {@code from} to a class {@code to}. */
  List<String> violations(
      java.util.function.Predicate<String> from,
      java.util.function.BiPredicate<String, String> forbidden) {
    List<String> out = new ArrayList<>();
    byClass.forEach(
        (cls, targets) -> {
          if (!from.test(packageOf(cls))) {
            return;
          }
          for (String target : targets) {
            if (!target.equals(cls) && forbidden.test(cls, target)) {
              out.add(cls + " -> " + target);
            }
          }
        });
    return out;
  }

  private record Parsed(Set<String> types, Set<String> calls) {}

  private static Parsed parse(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    int[] nameIndex = new int[count];
    List<int[]> methodRefs = new ArrayList<>();
    Set<Integer> literals = new HashSet<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7 -> classNameIndex[i] = in.readUnsignedShort();
        case 8 -> literals.add(in.readUnsignedShort());
        case 10, 11 -> methodRefs.add(new int[] {in.readUnsignedShort(), in.readUnsignedShort()});
        case 12 -> {
          nameIndex[i] = in.readUnsignedShort();
          in.readUnsignedShort();
        }
        case 9, 17, 18 -> in.readInt();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 16, 19, 20 -> in.readUnsignedShort();
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    Set<String> types = new TreeSet<>();
    for (int i = 1; i < count; i++) {
      if (utf8[i] == null || literals.contains(i)) {
        continue;
      }
      Matcher m = TYPE.matcher(utf8[i]);
      while (m.find()) {
        types.add(topLevel(m.group()));
      }
    }
    Set<String> calls = new TreeSet<>();
    for (int[] ref : methodRefs) {
      calls.add(utf8[classNameIndex[ref[0]]].replace('/', '.') + "#" + utf8[nameIndex[ref[1]]]);
    }
    return new Parsed(types, calls);
  }
}
