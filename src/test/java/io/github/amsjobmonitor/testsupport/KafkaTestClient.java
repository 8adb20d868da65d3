package io.github.amsjobmonitor.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer and a reader for tests: keys are strings, values bytes (UTF-8 helpers for text). Every
 * event read from an event topic is checked against its published schema ({@link EventSchemas}).
 */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrapServers;
    private final Map<String, Object> security;
    private KafkaProducer<String, byte[]> producer;

    public KafkaTestClient(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    /** A client of a secured broker: {@code security} holds its security.protocol, sasl.* and ssl.* settings. */
    public KafkaTestClient(String bootstrapServers, Map<String, Object> security) {
        this.bootstrapServers = bootstrapServers;
        this.security = Map.copyOf(security);
    }

    /** A client of the broker with the security it asks for. */
    public static KafkaTestClient of(LocalKafkaBroker broker) {
        return new KafkaTestClient(broker.bootstrapServers(), broker.clientSecurity());
    }

    private Map<String, Object> secured(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.putAll(security);
        return all;
    }

    public RecordMetadata send(String topic, String key, String value, Header... headers) {
        return send(topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Sends and waits for the broker's acknowledgement (acks=all), so the record is there when this returns. */
    public synchronized RecordMetadata send(String topic, String key, byte[] value, Header... headers) {
        if (producer == null) {
            producer = new KafkaProducer<>(secured(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000, // fail fast, not after 60 s, when the broker is gone
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000)),
                    new StringSerializer(), new ByteArraySerializer());
        }
        try {
            return producer.send(new ProducerRecord<>(topic, null, key, value, List.of(headers)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /**
     * Reads the topic from its beginning (a fresh group each call) until {@code count} records match or the
     * timeout passes; returns the matching records, fewer than {@code count} on timeout: assert on the size.
     */
    public List<ConsumerRecord<String, byte[]>> consume(String topic, Predicate<ConsumerRecord<String, byte[]>> filter,
                                                        int count, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(secured(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // reading must not create the topic the code under test is expected to write
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                // notice soon a topic that appears while we wait
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500)),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long left;
            while (matched.size() < count && (left = deadline - System.nanoTime()) > 0) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L)))) {
                    EventSchemas.check(r);
                    if (matched.size() < count && filter.test(r)) {
                        matched.add(r);
                    }
                }
            }
        }
        return matched;
    }

    /**
     * Every record the topic holds now: all partitions read from the beginning up to the end offsets
     * taken at the call, without a consumer group. For "exactly these and no more" assertions.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(secured(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 30 s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    EventSchemas.check(r);
                    all.add(r);
                }
            }
        }
        all.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        return all;
    }

    public List<ConsumerRecord<String, byte[]>> consume(String topic, int count, Duration timeout) {
        return consume(topic, r -> true, count, timeout);
    }

    public static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The record's value as UTF-8 text (null for a tombstone). */
    public static String text(ConsumerRecord<String, byte[]> record) {
        return record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    }

    /** The last header of that name as UTF-8 text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
