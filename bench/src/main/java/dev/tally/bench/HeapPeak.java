package dev.tally.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a JVM's peak heap to a file when it stops (SIGTERM included). Installed directly by the
 * child mains, and as a java agent ({@code -javaagent:tally-bench.jar=FILE}) into processes the
 * harness does not write, so every contender is measured the same way.
 *
 * <p>The figure is the largest heap in use at one moment, sampled every 20 ms and at the end
 * (summing each pool's own peak would add peaks of different moments: eden's just before a young
 * collection, old gen's much later, and overstate the heap a process ever needed).
 */
public final class HeapPeak {

    private HeapPeak() {
    }

    /** Agent entry point: the agent argument is the file to write. */
    public static void premain(String file) {
        install(Path.of(file));
    }

    private static final AtomicLong PEAK = new AtomicLong();

    static void install(Path file) {
        Thread sampler = new Thread(HeapPeak::sample, "heap-peak-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> write(file), "heap-peak"));
    }

    private static void sample() {
        try {
            while (true) {
                peakBytes();
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The peak so far, after taking one more sample. */
    static long peakBytes() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        long now = used;
        return PEAK.accumulateAndGet(now, Math::max);
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
