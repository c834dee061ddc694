package dev.tally.cli;

import dev.tally.connectors.KafkaClientSettings;
import dev.tally.connectors.SocketIngester;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "ingest", description = "Spark's socketTextStream: connect to a TCP server (e.g. `nc -lk 9999`) and write each line it sends into a topic.")
final class IngestCommand implements Callable<Integer> {
    @Option(names = "--connect", required = true, description = "host:port of the line server, e.g. localhost:9999")
    String connect;

    @Option(names = "--topic", required = true, description = "the job's source topic")
    String topic;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)")
    String bootstrap;

    @Override
    public Integer call() throws InterruptedException {
        int colon = connect.lastIndexOf(':');
        if (colon <= 0) {
            System.err.println("--connect: expected host:port, got " + connect);
            return 2;
        }
        String host = connect.substring(0, colon);
        int port = Integer.parseInt(connect.substring(colon + 1));
        KafkaClientSettings settings = new KafkaClientSettings(Map.of("bootstrap.servers", bootstrap));
        SocketIngester ingester = new SocketIngester(host, port, topic, settings.plainProducer("tally-ingest"));
        Thread t = new Thread(ingester, "tally-ingest");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingester.stop();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        t.start();
        t.join();
        return 0;
    }
}
