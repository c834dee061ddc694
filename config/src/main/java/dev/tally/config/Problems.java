package dev.tally.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of one file, so the user fixes them all in one round. */
final class Problems {
    private final List<ConfigProblem> list = new ArrayList<>();

    void add(String path, String message, int line) {
        list.add(new ConfigProblem(path, message, line));
    }

    void add(Node at, String message) {
        add(at.path(), message, at.line());
    }

    /** Drops the problems at {@code path} and below it, for a part of the file a caller does not use. */
    void removeUnder(String path) {
        list.removeIf(p -> p.path().equals(path) || p.path().startsWith(path + ".") || p.path().startsWith(path + "["));
    }

    int count() {
        return list.size();
    }

    /** In file order; problems on one line keep the order they were found in. */
    List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(list);
        copy.sort(Comparator.comparingInt(ConfigProblem::line));
        return copy;
    }
}
