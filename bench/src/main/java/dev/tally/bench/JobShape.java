package dev.tally.bench;

/** The windowed job each contender implements in its own way (the ceiling only decodes). */
enum JobShape {
    /** W1, W6: count per user, 30 s windows sliding 10 s, 5 s grace, emit changes. */
    HOPPING_COUNT,
    /** W2a: count per user, 1 h windows sliding 1 min, emit final. */
    HOUR_SLIDING_FINAL,
    /** W2b: count per user, 10 s tumbling, emit final. */
    TUMBLING_FINAL,
    /** W3: words of text lines with null keys, regrouped by word, 30 s windows sliding 10 s. */
    WORD_COUNT,
    /** W4, W5: sum of amount (and distinct users) per key, 1 min tumbling. */
    KEYED_SUM,
    /** W3e: clicks regrouped by page (a repartition on event time), 30 s windows sliding 10 s, emit final. */
    PAGE_COUNT,
    /** W7: page views looked up in a users table (global, by user id), count per country, 1 min tumbling, emit final. */
    VIEWS_PER_COUNTRY;

    /** The input this job reads. */
    Input input() {
        return switch (this) {
            case HOPPING_COUNT, HOUR_SLIDING_FINAL, TUMBLING_FINAL, PAGE_COUNT -> Input.CLICKS;
            case WORD_COUNT -> Input.LINES;
            case KEYED_SUM -> Input.AMOUNTS;
            case VIEWS_PER_COUNTRY -> Input.VIEWS;
        };
    }

    enum Input { CLICKS, LINES, AMOUNTS, VIEWS }

    /** The table topic a job of this input looks up (W7's users), next to its input topic. */
    static String tableTopic(String inputTopic) {
        return inputTopic + "-users";
    }
}
