package io.github.amsjobmonitor.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from their beginning in the background, without a consumer group, and keeps every record
 * with the time it arrived here: for tests that wait for events while other things happen (a crash, a
 * broker outage). The topics must exist when the watcher starts. It survives a broker outage: the
 * consumer reconnects by itself. Every event read from an event topic is checked against its published
 * schema ({@link EventSchemas}): {@link #all()} fails once one does not match.
 */
public final class TopicWatcher implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record as seen, with the job event's fields most tests need. */
    public record Seen(String topic, String key, String ceId, String state, Instant arrivedAt,
                       ConsumerRecord<String, byte[]> record) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public TopicWatcher(String bootstrapServers, Collection<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "topic-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    EventSchemas.check(r);
                    seen.add(new Seen(r.topic(), r.key(), KafkaTestClient.header(r, "ce_id"), state(r), Instant.now(), r));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | AssertionError e) {
            // an AssertionError: an event that does not match its schema
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Everything seen so far, in arrival order. */
    public List<Seen> all() {
        if (failure != null) {
            throw new AssertionError("the topic watcher failed", failure);
        }
        return List.copyOf(seen);
    }

    public List<Seen> on(String topic) {
        return all().stream().filter(s -> s.topic().equals(topic)).toList();
    }

    /** Polls {@code condition} every 100 ms until it holds; false when the deadline passes first. */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** As {@link #await(Duration, BooleanSupplier)}, failing with {@code message} on timeout. */
    public static void awaitOrFail(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
        if (!await(timeout, condition)) {
            throw new AssertionError("not within " + timeout + ": " + message.get());
        }
    }

    /** The {@code state} field of a job event's JSON value, or null. */
    public static String state(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(record.value());
            return node != null && node.hasNonNull("state") ? node.get("state").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null; // not a job event
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
