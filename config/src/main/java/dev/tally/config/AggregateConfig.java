package dev.tally.config;

import java.util.List;

/**
 * One named output of a window.
 *
 * @param field     input field (null for count)
 * @param quantiles ranks in (0,1) for {@code QUANTILES}, e.g. 0.5, 0.95, 0.99
 * @param k         number of items for {@code TOP_K}
 */
public record AggregateConfig(String name, Type type, String field, List<Double> quantiles, int k) {
    public AggregateConfig {
        quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
    }

    public enum Type { COUNT, SUM, MIN, MAX, AVG, FIRST, LAST, COUNT_DISTINCT, QUANTILES, TOP_K }
}
