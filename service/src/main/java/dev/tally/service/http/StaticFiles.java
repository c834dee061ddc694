package dev.tally.service.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files, from the jar: {@code /} and its own scripts and styles from
 * {@code dashboard/}, libraries from their WebJars ({@code /webjars/...} from
 * {@code META-INF/resources/webjars/...}). Only plain names; nothing outside those two folders.
 */
final class StaticFiles {
    private static final Pattern SAFE = Pattern.compile("(/[A-Za-z0-9_][A-Za-z0-9._-]*)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "map", "application/json");
    private static final Map<String, String> PAGES = Map.of(
            "/", "dashboard/index.html",
            "/dashboard.js", "dashboard/dashboard.js",
            "/dashboard.css", "dashboard/dashboard.css",
            "/favicon.ico", "dashboard/favicon.svg");

    /** A file and its content type. */
    record File(String contentType, byte[] bytes) {
    }

    /** Request path -> file; a few dozen at most. */
    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

    /** The file for a request path, or empty when there is none to serve. */
    Optional<File> find(String path) {
        String resource = PAGES.get(path);
        if (resource == null) {
            if (!path.startsWith("/webjars/") || !SAFE.matcher(path).matches() || path.contains("..")) {
                return Optional.empty();
            }
            resource = "META-INF/resources" + path;
        }
        Optional<File> cached = cache.get(path);
        if (cached != null) {
            return cached;
        }
        // Only files that exist are kept: request paths are the client's to choose.
        Optional<File> f = load(resource);
        f.ifPresent(file -> cache.put(path, f));
        return f;
    }

    private static Optional<File> load(String resource) {
        int dot = resource.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(resource.substring(dot + 1));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new File(type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
        }
    }
}
