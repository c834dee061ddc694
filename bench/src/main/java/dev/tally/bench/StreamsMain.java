package dev.tally.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Child process of the Kafka Streams contender: the job as its users would write it with the DSL.
 * Args: shape bootstrap input output application.id state.dir.
 */
final class StreamsMain {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern NON_WORD = Pattern.compile("\\W+");
    private static final Duration GRACE = Duration.ofSeconds(5);

    private StreamsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        HeapPeak.install(Path.of(System.getProperty("bench.heapPeakFile")));
        JobShape shape = JobShape.valueOf(args[0]);
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[4]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[5]);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        // Measurement accommodation, not tuning: Kafka Streams purges consumed repartition records,
        // which would hide the bytes it wrote there from the harness's log-size count.
        p.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, Long.MAX_VALUE);
        var builder = new StreamsBuilder();
        build(shape, builder, args[2], args[3]);
        var streams = new KafkaStreams(builder.build(), p);
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(20))));
        streams.start();
        Thread.currentThread().join();
    }

    static void build(JobShape shape, StreamsBuilder builder, String input, String output) {
        Consumed<String, String> byEventTime = Consumed.with(Serdes.String(), Serdes.String())
                .withTimestampExtractor(new JsonTs());
        switch (shape) {
            case HOPPING_COUNT -> emit(builder.stream(input, byEventTime).groupByKey()
                    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(30), GRACE)
                            .advanceBy(Duration.ofSeconds(10)))
                    .count(), output);
            case HOUR_SLIDING_FINAL -> emit(builder.stream(input, byEventTime).groupByKey()
                    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofHours(1), GRACE)
                            .advanceBy(Duration.ofMinutes(1)))
                    .emitStrategy(EmitStrategy.onWindowClose())
                    .count(), output);
            case TUMBLING_FINAL -> emit(builder.stream(input, byEventTime).groupByKey()
                    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), GRACE))
                    .emitStrategy(EmitStrategy.onWindowClose())
                    .count(), output);
            case WORD_COUNT -> {
                KStream<String, String> lines = builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()));
                emit(lines.flatMapValues(StreamsMain::words)
                        .groupBy((k, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(30), GRACE)
                                .advanceBy(Duration.ofSeconds(10)))
                        .count(), output);
            }
            case PAGE_COUNT -> emit(builder.stream(input, byEventTime)
                    .groupBy((k, v) -> jsonString(v, "page"), Grouped.with(Serdes.String(), Serdes.String()))
                    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(30), GRACE).advanceBy(Duration.ofSeconds(10)))
                    .emitStrategy(EmitStrategy.onWindowClose())
                    .count(), output);
            case VIEWS_PER_COUNTRY -> {
                // The DSL's enrichment: a GlobalKTable (every instance reads the whole table), joined by the view's key.
                GlobalKTable<String, String> users = builder.globalTable(JobShape.tableTopic(input),
                        Consumed.with(Serdes.String(), Serdes.String()));
                emit(builder.stream(input, byEventTime)
                        .join(users, (user, view) -> user, (view, profile) -> jsonString(profile, "country"))
                        .groupBy((user, country) -> country, Grouped.with(Serdes.String(), Serdes.String()))
                        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), GRACE))
                        .emitStrategy(EmitStrategy.onWindowClose())
                        .count(), output);
            }
            case KEYED_SUM -> builder.stream(input, byEventTime).groupByKey()
                    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), GRACE))
                    // no built-in count_distinct in Kafka Streams: sum and count instead
                    .aggregate(() -> new long[2], (k, v, acc) -> {
                        acc[0] += jsonLong(v, "amount");
                        acc[1]++;
                        return acc;
                    }, Materialized.with(Serdes.String(), new SumCountSerde()))
                    .toStream()
                    .map((wk, acc) -> KeyValue.pair(wk.key() + "@" + wk.window().start(), acc[0] + "," + acc[1]))
                    .to(output, Produced.with(Serdes.String(), Serdes.String()));
        }
    }

    private static void emit(KTable<Windowed<String>, Long> counts, String output) {
        counts.toStream()
                .map((wk, c) -> KeyValue.pair(wk.key() + "@" + wk.window().start(), c))
                .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    }

    static List<String> words(String line) {
        return Arrays.stream(NON_WORD.split(line))
                .map(w -> w.toLowerCase(Locale.ROOT))
                .filter(w -> !w.isEmpty())
                .toList();
    }

    static String jsonString(String json, String field) {
        try (JsonParser p = JSON.createParser(json)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && field.equals(p.currentName())) {
                    p.nextToken();
                    return p.getText();
                }
            }
            throw new IllegalArgumentException("no " + field + " in " + json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long jsonLong(String json, String field) {
        try (JsonParser p = JSON.createParser(json)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && field.equals(p.currentName())) {
                    p.nextToken();
                    return p.getLongValue();
                }
            }
            throw new IllegalArgumentException("no " + field + " in " + json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Event time from the JSON {@code ts} field. */
    static final class JsonTs implements TimestampExtractor {
        @Override
        public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
            return jsonLong((String) record.value(), "ts");
        }
    }

    /** Sum and count as 16 bytes. */
    static final class SumCountSerde implements Serde<long[]> {
        @Override
        public org.apache.kafka.common.serialization.Serializer<long[]> serializer() {
            return (topic, acc) -> ByteBuffer.allocate(16).putLong(acc[0]).putLong(acc[1]).array();
        }

        @Override
        public org.apache.kafka.common.serialization.Deserializer<long[]> deserializer() {
            return (topic, bytes) -> {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                return new long[] {b.getLong(), b.getLong()};
            };
        }
    }
}
