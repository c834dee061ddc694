package dev.tally.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a JVM's peak heap to a file when it stops (SIGTERM included). Installed directly by the
 * child mains, and as a java agent ({@code -javaagent:tally-bench.jar=FILE}) into processes the
 * harness does not write, so every contender is measured the same way.
 *
 * <p>The figure is the sum of each heap pool's own peak; pools peak at different moments, so it
 * is an upper bound of the true peak, the same bound for every contender.
 */
public final class HeapPeak {

    private HeapPeak() {
    }

    /** Agent entry point: the agent argument is the file to write. */
    public static void premain(String file) {
        install(Path.of(file));
    }

    static void install(Path file) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> write(file), "heap-peak"));
    }

    static long peakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static void write(Path file) {
        try {
            Files.writeString(file, "HEAP_PEAK " + peakBytes() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** -1 when the process never wrote one (killed, or not a JVM). */
    static long read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return -1;
        }
        String s = Files.readString(file).trim();
        return s.startsWith("HEAP_PEAK ") ? Long.parseLong(s.substring(10).trim()) : -1;
    }
}
