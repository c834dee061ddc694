package dev.tally.engine.record;

import java.util.Arrays;

/**
 * Holds the events of one split record until the whole record has gone through, so that a record
 * failing on its fifth token adds nothing (it goes to the dead-letter topic whole). Its arrays grow
 * to the largest record seen and are reused.
 */
final class EventBuffer implements KeyedEventSink {
    private final int width;
    private String[] keys = new String[16];
    private long[] times = new long[16];
    private Object[] inputs;
    private int size;

    EventBuffer(int width) {
        this.width = width;
        this.inputs = new Object[16 * width];
    }

    void clear() {
        Arrays.fill(inputs, 0, size * width, null);
        size = 0;
    }

    @Override
    public void accept(String key, long eventTime, Object[] aggregateInputs) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            times = Arrays.copyOf(times, size * 2);
            inputs = Arrays.copyOf(inputs, size * 2 * width);
        }
        keys[size] = key;
        times[size] = eventTime;
        System.arraycopy(aggregateInputs, 0, inputs, size * width, width);
        size++;
    }

    /** Hands every buffered event to {@code out}, through the pipeline's reused inputs array. */
    void flushTo(KeyedEventSink out, Object[] reused) {
        for (int i = 0; i < size; i++) {
            System.arraycopy(inputs, i * width, reused, 0, width);
            out.accept(keys[i], times[i], reused);
        }
        clear();
    }
}
