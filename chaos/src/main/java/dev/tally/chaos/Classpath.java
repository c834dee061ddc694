package dev.tally.chaos;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The classpath the instances run with: a private copy of this JVM's, taken once. A run lasts
 * minutes, and a {@code mvn install} of a sibling module meanwhile rewrites jars in place, which
 * makes already running JVMs fail with NoClassDefFoundError; restarted instances would also run
 * newer code than the others.
 */
final class Classpath {
    private static String snapshot;

    private Classpath() {
    }

    static synchronized String stable() {
        if (snapshot == null) {
            snapshot = copy(entries());
        }
        return snapshot;
    }

    /** This JVM's classpath entries, with a manifest-only launcher jar (surefire) expanded. */
    private static List<Path> entries() {
        List<Path> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            List<Path> fromManifest = manifestClassPath(p);
            if (fromManifest.isEmpty()) {
                out.add(p);
            } else {
                out.addAll(fromManifest);
            }
        }
        return out;
    }

    private static List<Path> manifestClassPath(Path jar) {
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            return List.of();
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null || cp.isBlank()) {
                return List.of();
            }
            List<Path> out = new ArrayList<>();
            for (String u : cp.trim().split("\\s+")) {
                out.add(Path.of(jar.getParent().toUri().resolve(u)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static String copy(List<Path> entries) {
        try {
            Path dir = Files.createTempDirectory("tally-chaos-classpath-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "chaos-classpath-cleanup"));
            List<String> copied = new ArrayList<>();
            int i = 0;
            for (Path e : entries) {
                if (!Files.exists(e)) {
                    continue;
                }
                Path target = dir.resolve(i++ + "-" + e.getFileName());
                if (Files.isDirectory(e)) {
                    copyTree(e, target);
                } else {
                    Files.copy(e, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
                copied.add(target.toString());
            }
            return String.join(File.pathSeparator, copied);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the classpath", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("chaos: cannot delete " + dir + ": " + e);
        }
    }
}
