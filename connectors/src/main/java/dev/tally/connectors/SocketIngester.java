package dev.tally.connectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Spark Streaming's {@code socketTextStream(host, port)}: connects to a TCP server (such as
 * {@code nc -lk 9999}) and writes every line it receives into a topic, reconnecting with backoff
 * when the server goes away, until stopped.
 */
public final class SocketIngester implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SocketIngester.class);

    private final String host;
    private final int port;
    private final String topic;
    private final Properties producerProps;
    private volatile boolean stopping;
    private volatile Socket socket;
    private long lines;

    public SocketIngester(String host, int port, String topic, Properties producerProps) {
        this.host = host;
        this.port = port;
        this.topic = topic;
        this.producerProps = producerProps;
    }

    public void stop() {
        stopping = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("closing socket: {}", e.toString());
            }
        }
    }

    public long lines() {
        return lines;
    }

    @Override
    public void run() {
        long backoff = 200;
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            while (!stopping) {
                try (Socket s = new Socket()) {
                    socket = s;
                    s.connect(new InetSocketAddress(host, port), 5_000);
                    log.info("connected to {}:{}, writing lines to topic {}", host, port, topic);
                    backoff = 200;
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    while (!stopping && (line = in.readLine()) != null) {
                        producer.send(new ProducerRecord<>(topic, null, line.getBytes(StandardCharsets.UTF_8)));
                        lines++;
                    }
                    producer.flush();
                } catch (IOException e) {
                    if (stopping) {
                        break;
                    }
                    log.warn("socket {}:{}: {}; retrying in {} ms", host, port, e.getMessage(), backoff);
                }
                if (!stopping) {
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    backoff = Math.min(backoff * 2, 5_000);
                }
            }
            producer.flush();
        }
    }
}
