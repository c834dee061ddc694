package dev.tally.engine.aggregate;

import dev.tally.config.AggregateConfig;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link AggregateFunction} of each configured aggregate.
 *
 * <ul>
 *   <li>{@code count}: Long; counts events, or with a field the events where it is present.</li>
 *   <li>{@code sum}: Long while every input is integral, Double from the first fractional input (or long
 *       overflow) on. Numeric inputs: Number or numeric String; see {@link NumericAccumulator}.</li>
 *   <li>{@code min}, {@code max}: Long or Double by the same rule; null when empty.</li>
 *   <li>{@code avg}: Double.</li>
 *   <li>{@code first}, {@code last}: the value at the smallest / largest event time.</li>
 *   <li>{@code count_distinct}: HyperLogLog (lgK 12), the rounded estimate as a Long.</li>
 *   <li>{@code quantiles}: KLL (k 200), {@code {"p50": .., "p95": .., "p99": ..}} for the configured ranks
 *       (default 0.5, 0.95, 0.99); rank 0.999 is named {@code p99_9}.</li>
 *   <li>{@code top_k}: frequent items, {@code [{"item": .., "count": ..}]}, the k largest.</li>
 * </ul>
 * Every aggregate but count gives null over no values. Non-numeric input to a numeric aggregate throws
 * IllegalArgumentException naming the aggregate.
 */
public final class Aggregates {
    static final List<Double> DEFAULT_RANKS = List.of(0.5, 0.95, 0.99);
    private static final int MAX_K = 1 << 16;

    private Aggregates() {
    }

    public static List<AggregateFunction> of(List<AggregateConfig> configs) {
        List<AggregateFunction> out = new ArrayList<>(configs.size());
        for (AggregateConfig c : configs) {
            out.add(of(c));
        }
        return List.copyOf(out);
    }

    public static AggregateFunction of(AggregateConfig c) {
        String name = c.name();
        String kind = c.type().name().toLowerCase(java.util.Locale.ROOT);
        String label = "'" + name + "' (" + kind + ")";
        return switch (c.type()) {
            case COUNT -> {
                boolean countNulls = c.field() == null;
                yield new SimpleFunction(name, kind, () -> new CountAccumulator(countNulls),
                        in -> CountAccumulator.read(countNulls, in));
            }
            case SUM -> new SimpleFunction(name, kind, () -> new SumAccumulator(label), in -> SumAccumulator.read(label, in));
            case AVG -> new SimpleFunction(name, kind, () -> new AvgAccumulator(label), in -> AvgAccumulator.read(label, in));
            case MIN, MAX -> {
                boolean max = c.type() == AggregateConfig.Type.MAX;
                yield new SimpleFunction(name, kind, () -> new MinMaxAccumulator(label, max),
                        in -> MinMaxAccumulator.read(label, max, in));
            }
            case FIRST, LAST -> {
                boolean last = c.type() == AggregateConfig.Type.LAST;
                yield new SimpleFunction(name, kind, () -> new FirstLastAccumulator(last),
                        in -> FirstLastAccumulator.read(last, in));
            }
            case COUNT_DISTINCT -> new SimpleFunction(name, kind, DistinctAccumulator::new, DistinctAccumulator::read);
            case QUANTILES -> {
                QuantilesAccumulator.Ranks ranks = ranks(label, c.quantiles().isEmpty() ? DEFAULT_RANKS : c.quantiles());
                yield new SimpleFunction(name, kind, () -> new QuantilesAccumulator(label, ranks),
                        in -> QuantilesAccumulator.read(label, ranks, in));
            }
            case TOP_K -> {
                int k = c.k();
                if (k < 1 || k > MAX_K) {
                    throw new IllegalArgumentException("aggregate " + label + ": k must be in 1.." + MAX_K + ", got " + k);
                }
                yield new SimpleFunction(name, kind, () -> new TopKAccumulator(k), in -> TopKAccumulator.read(k, in));
            }
        };
    }

    /** The result key of a rank: 0.5 is "p50", 0.999 is "p99_9". */
    static String rankName(double rank) {
        return "p" + BigDecimal.valueOf(rank).movePointRight(2).stripTrailingZeros().toPlainString().replace('.', '_');
    }

    private static QuantilesAccumulator.Ranks ranks(String label, List<Double> ranks) {
        double[] values = new double[ranks.size()];
        String[] names = new String[ranks.size()];
        for (int i = 0; i < values.length; i++) {
            double r = ranks.get(i);
            if (!(r >= 0.0 && r <= 1.0)) {
                throw new IllegalArgumentException("aggregate " + label + ": quantile ranks must be in [0, 1], got " + r);
            }
            values[i] = r;
            names[i] = rankName(r);
        }
        return new QuantilesAccumulator.Ranks(values, names);
    }
}
