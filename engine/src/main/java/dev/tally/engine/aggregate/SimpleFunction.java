package dev.tally.engine.aggregate;

import java.nio.ByteBuffer;
import java.util.function.Function;
import java.util.function.Supplier;

/** An aggregate function as a name plus how to make and how to read its accumulators. */
final class SimpleFunction implements AggregateFunction {
    private final String name;
    private final String kind;
    private final Supplier<Accumulator> create;
    private final Function<ByteBuffer, Accumulator> read;

    SimpleFunction(String name, String kind, Supplier<Accumulator> create, Function<ByteBuffer, Accumulator> read) {
        this.name = name;
        this.kind = kind;
        this.create = create;
        this.read = read;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Accumulator create() {
        return create.get();
    }

    @Override
    public Accumulator read(ByteBuffer in) {
        return read.apply(in);
    }

    @Override
    public String toString() {
        return name + " (" + kind + ")";
    }
}
