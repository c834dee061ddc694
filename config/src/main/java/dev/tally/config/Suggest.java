package dev.tally.config;

import java.util.Collection;

/** "did you mean" for misspelt keys and values, by edit distance. */
final class Suggest {
    private Suggest() {
    }

    /** {@code , did you mean "size"?} for the closest candidate within a small distance, else empty. */
    static String didYouMean(String given, Collection<String> candidates) {
        // Within 2 edits, and fewer than the word is long, so "x" does not suggest "k".
        int limit = Math.min(2, Math.max(1, given.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(given, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= limit ? ", did you mean \"" + best + "\"?" : "";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
