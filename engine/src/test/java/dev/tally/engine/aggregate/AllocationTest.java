package dev.tally.engine.aggregate;

import dev.tally.config.AggregateConfig;
import dev.tally.config.AggregateConfig.Type;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hot path: folding a record into a count or sum pane must not allocate. */
class AllocationTest {

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"COUNT", "SUM", "MIN", "MAX", "AVG"})
    void shouldNotAllocateWhenAddingBoxedNumbers(Type type) {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs a JVM that counts allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Accumulator acc = Aggregates.of(new AggregateConfig("a", type, "f", List.of(), 0)).create();
        Object[] inputs = new Object[1_000];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = i % 2 == 0 ? (Object) (long) (i * 1_000) : (Object) (i * 1_000);
        }
        addAll(acc, inputs, 200); // warm up so the interpreter and JIT settle
        long thread = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(thread);
        addAll(acc, inputs, 1_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        // a million adds; one allocation each would be 16 MB. Leave room for the measurement itself.
        assertTrue(allocated < 4_096, "allocated " + allocated + " bytes over 1M adds");
    }

    private static void addAll(Accumulator acc, Object[] inputs, int rounds) {
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < inputs.length; i++) {
                acc.add(inputs[i], i);
            }
        }
    }
}
