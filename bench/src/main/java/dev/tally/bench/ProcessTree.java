package dev.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU and memory of a process and its descendants, from /proc. Descendants count because a
 * contender may be a launcher script whose JVM is its child.
 */
final class ProcessTree {

    private static final long TICKS_PER_SECOND = clockTicks();

    private final ProcessHandle root;
    private long peakRssBytes;

    ProcessTree(ProcessHandle root) {
        this.root = root;
    }

    /** Call often: RSS is sampled, its peak kept (VmHWM of the root is consulted too). */
    void sample() {
        long rss = 0;
        for (long pid : pids()) {
            rss += statusKb(pid, "VmRSS:") * 1024;
        }
        peakRssBytes = Math.max(peakRssBytes, Math.max(rss, statusKb(root.pid(), "VmHWM:") * 1024));
    }

    long peakRssBytes() {
        return peakRssBytes;
    }

    /** User plus system CPU of the live tree so far. */
    double cpuSeconds() {
        long ticks = 0;
        for (long pid : pids()) {
            ticks += cpuTicks(pid);
        }
        return (double) ticks / TICKS_PER_SECOND;
    }

    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(root.pid());
        root.descendants().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    /** 0 for a process that has gone meanwhile. */
    private static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return 0;
        }
        // fields after the command name, which may itself hold spaces: state is field 3,
        // utime 14 and stime 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long statusKb(long pid, String field) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        if (status == null) {
            return 0;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // the process exited between listing and reading: same as gone
            return null;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? Long.parseLong(out) : 100;
        } catch (IOException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** Bytes of all files under {@code dir}; 0 when absent. */
    static long diskUsage(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    // RocksDB deletes obsolete files while we walk: a vanished file holds no bytes
                    return 0;
                }
            }).sum();
        }
    }
}
