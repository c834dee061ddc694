package dev.tally.config;

import java.util.regex.Pattern;

/** Shape checks shared by the binders: field names, topic names. */
final class Checks {
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern FIELD_SEGMENT = Pattern.compile("[^.\\s]+");

    private Checks() {
    }

    /** A field name or dotted path of a decoded record: non-empty segments, no blanks. */
    static String fieldName(Node.Scalar s, Problems problems) {
        String text = s.text().strip();
        for (String segment : text.split("\\.", -1)) {
            if (!FIELD_SEGMENT.matcher(segment).matches()) {
                problems.add(s, "must be a field name or dotted path like user.id, got " + s.shown());
                return null;
            }
        }
        return text;
    }

    /** The required field name under {@code key}. */
    static String fieldName(Fields f, String key) {
        if (f.requiredString(key) == null) {
            return null;
        }
        return fieldName(f.scalar(key), f.problems());
    }

    /** The required Kafka topic name under {@code key}. */
    static String topic(Fields f, String key) {
        String topic = f.requiredString(key);
        if (topic == null) {
            return null;
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            Node.Scalar s = f.scalar(key);
            f.problems().add(s, "must be a Kafka topic name (letters, digits, '.', '_' and '-', at most 249), got " + s.shown());
            return null;
        }
        return topic;
    }
}
