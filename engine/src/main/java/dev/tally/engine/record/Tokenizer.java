package dev.tally.engine.record;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks the non-empty tokens of a string split by a regex, without allocating per token beyond
 * the token itself. The usual word-count separators ({@code \W+}, {@code \s+}, one literal
 * character) are scanned by hand with the exact semantics of their regex; others use a reused Matcher.
 */
final class Tokenizer {
    private enum Mode { NON_WORD, WHITESPACE, CHARACTER, REGEX }

    private final Mode mode;
    private final char separator;
    private final Matcher matcher;
    private String text;
    private int position;
    private int start;
    private int end;

    Tokenizer(String pattern) {
        Pattern compiled = Pattern.compile(pattern);
        if (pattern.equals("\\W+") || pattern.equals("\\W")) {
            mode = Mode.NON_WORD;
        } else if (pattern.equals("\\s+") || pattern.equals("\\s")) {
            mode = Mode.WHITESPACE;
        } else if (literalCharacter(pattern) >= 0) {
            mode = Mode.CHARACTER;
        } else {
            mode = Mode.REGEX;
        }
        separator = mode == Mode.CHARACTER ? (char) literalCharacter(pattern) : 0;
        matcher = mode == Mode.REGEX ? compiled.matcher("") : null;
    }

    void reset(String input) {
        text = input;
        position = 0;
        if (matcher != null) {
            matcher.reset(input);
        }
    }

    /** Moves to the next non-empty token; false when there is none. */
    boolean next() {
        switch (mode) {
            case NON_WORD:
                return scan(true);
            case WHITESPACE:
            case CHARACTER:
                return scan(false);
            default:
                return nextByRegex();
        }
    }

    String token() {
        return text.substring(start, end);
    }

    private boolean scan(boolean wordMode) {
        int n = text.length();
        int i = position;
        while (i < n && isSeparator(text.charAt(i), wordMode)) {
            i++;
        }
        if (i >= n) {
            position = n;
            return false;
        }
        start = i;
        while (i < n && !isSeparator(text.charAt(i), wordMode)) {
            i++;
        }
        end = i;
        position = i;
        return true;
    }

    private boolean isSeparator(char c, boolean wordMode) {
        if (wordMode) {
            // \w without UNICODE_CHARACTER_CLASS is [a-zA-Z_0-9]; everything else separates.
            return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
        }
        if (mode == Mode.CHARACTER) {
            return c == separator;
        }
        // \s is [ \t\n\x0B\f\r]
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private boolean nextByRegex() {
        // Tokens lie between consecutive matches; the Matcher itself steps over empty matches.
        while (position >= 0) {
            int tokenStart = position;
            int tokenEnd;
            if (matcher.find()) {
                tokenEnd = matcher.start();
                position = matcher.end();
            } else {
                tokenEnd = text.length();
                position = -1;
            }
            if (tokenEnd > tokenStart) {
                start = tokenStart;
                end = tokenEnd;
                return true;
            }
        }
        return false;
    }

    /** The character a pattern stands for when it is one literal character, optionally with '+'; else -1. */
    private static int literalCharacter(String pattern) {
        String body = pattern.endsWith("+") && pattern.length() > 1 ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (body.length() == 1 && "\\^$.|?*+()[]{}".indexOf(body.charAt(0)) < 0) {
            return body.charAt(0);
        }
        if (body.length() == 2 && body.charAt(0) == '\\' && !Character.isLetterOrDigit(body.charAt(1))) {
            return body.charAt(1);
        }
        return -1;
    }
}
