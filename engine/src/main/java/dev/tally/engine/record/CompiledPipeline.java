package dev.tally.engine.record;

/** A job's pipeline: decoder, then the chain of steps ending in {@link Emit}. Not thread-safe. */
final class CompiledPipeline implements RecordPipeline {
    private final Decoder decoder;
    private final Fields fields;
    private final Step head;
    private final Emit emit;
    private final EventBuffer buffer;
    private final Object[] inputs;

    /** @param buffer null when the job has no split, so a record yields at most one event and needs no buffering */
    CompiledPipeline(Decoder decoder, Fields fields, Step head, Emit emit, EventBuffer buffer, Object[] inputs) {
        this.decoder = decoder;
        this.fields = fields;
        this.head = head;
        this.emit = emit;
        this.buffer = buffer;
        this.inputs = inputs;
    }

    @Override
    public void process(byte[] key, byte[] value, long logAppendTime, long processingTime, KeyedEventSink out)
            throws BadRecordException {
        fields.clear();
        decoder.decode(value, fields);
        if (buffer == null) {
            emit.begin(key, logAppendTime, processingTime, out);
            head.run(fields);
            return;
        }
        buffer.clear();
        emit.begin(key, logAppendTime, processingTime, buffer);
        head.run(fields);
        buffer.flushTo(out, inputs);
    }
}
