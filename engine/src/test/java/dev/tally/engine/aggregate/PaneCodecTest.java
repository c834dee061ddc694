package dev.tally.engine.aggregate;

import dev.tally.config.AggregateConfig;
import dev.tally.config.AggregateConfig.Type;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PaneCodecTest {

    private static List<AggregateFunction> everyAggregate() {
        List<AggregateConfig> configs = new ArrayList<>();
        for (Type type : Type.values()) {
            configs.add(new AggregateConfig(type.name().toLowerCase(), type, type == Type.COUNT ? null : "f",
                    List.of(0.5, 0.99), 2));
        }
        return Aggregates.of(configs);
    }

    @Test
    void shouldDecodeEqualPaneWhenEncodingEveryAggregate() {
        PaneCodec codec = new PaneCodec(everyAggregate());
        Accumulator[] pane = codec.create();
        for (int i = 0; i < 500; i++) {
            for (Accumulator a : pane) {
                a.add(i % 3 == 0 ? (Object) (i * 0.5) : (Object) (long) (i % 41), 1_000 + i);
            }
        }

        byte[] bytes = codec.encode(pane);
        Accumulator[] back = codec.decode(bytes);

        assertEquals(PaneCodec.VERSION, bytes[0]);
        assertEquals(pane.length, back.length);
        for (int i = 0; i < pane.length; i++) {
            assertEquals(pane[i].result(), back[i].result(), codec.functions().get(i).toString());
        }
        Accumulator[] again = codec.decode(codec.encode(back));
        for (int i = 0; i < pane.length; i++) {
            assertEquals(pane[i].result(), again[i].result(), codec.functions().get(i).toString());
        }
    }

    @Test
    void shouldKeepEmptyPaneSmallWhenNothingAdded() {
        PaneCodec codec = new PaneCodec(everyAggregate());
        byte[] bytes = codec.encode(codec.create());
        // version, one byte per aggregate (empty sketches are a zero length), avg's count of 0
        assertEquals(1 + Type.values().length + 1, bytes.length);
        assertEquals(0L, codec.decode(bytes)[0].result());
    }

    @Test
    void shouldDecodeWhenBufferIsLittleEndianSlice() {
        PaneCodec codec = new PaneCodec(Aggregates.of(List.of(new AggregateConfig("s", Type.SUM, "f", List.of(), 0))));
        Accumulator[] pane = codec.create();
        pane[0].add(2.5, 0);
        byte[] bytes = codec.encode(pane);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 3).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {9, 9, 9}).put(bytes).flip().position(3);

        assertEquals(2.5, codec.decode(buffer)[0].result());
        assertEquals(buffer.limit(), buffer.position());
    }

    @Test
    void shouldRejectWhenVersionUnknownOrBytesLeftOver() {
        PaneCodec codec = new PaneCodec(Aggregates.of(List.of(new AggregateConfig("n", Type.COUNT, null, List.of(), 0))));
        byte[] good = codec.encode(codec.create());
        byte[] badVersion = good.clone();
        badVersion[0] = 99;
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);

        assertThrows(IllegalArgumentException.class, () -> codec.decode(badVersion));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(trailing));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new Accumulator[2]));
    }
}
