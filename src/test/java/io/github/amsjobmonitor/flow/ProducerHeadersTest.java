package io.github.amsjobmonitor.flow;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.events.JobEvents;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Producers of job IDs are not trusted (contract, "Trust"): the headers Camel's Kafka producer obeys
 * (kafka.OVERRIDE_TOPIC, kafka.OVERRIDE_TIMESTAMP, kafka.KEY, kafka.PARTITION_KEY), the ones its
 * consumer sets, Camel* headers and look-alikes of the monitor's own, put on a rejected record and on a
 * valid one, change nothing: each record is written where the monitor chooses, with the key and the
 * headers the monitor gives it, and none of them reaches any record on the broker.
 */
class ProducerHeadersTest {

    private static final String VALID = SimulatedJob.randomId();
    private static final String MARKER = "forged-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String REJECTED_KEY = "producer-key";
    private static final byte[] REJECTED = "not-a-job-id".getBytes(StandardCharsets.UTF_8);
    private static final int PARTITIONS = 2;
    private static final long FORGED_TIMESTAMP = 1_000L;
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Set<String> CLOUD_EVENT_HEADERS = Set.of("ce_specversion", "ce_id", "ce_source", "ce_type",
            "ce_subject", "ce_time", "content-type");

    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static TopicWatcher watcher;
    private static Topics topics;
    private static String progressTopic;
    private static String decoyTopic;
    private static long sentAt;

    @BeforeAll
    static void sendRecordsCarryingSteeringHeaders() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        simulator.register(VALID, "steered", JobScenario.FINISH, Duration.ofMillis(500));
        topics = Topics.unique();
        progressTopic = topics.jobIds().replace("job-ids", "job-progress");
        decoyTopic = topics.jobIds().replace("job-ids", "decoy");
        // two partitions each, so that a forged kafka.PARTITION_KEY would show
        SharedKafka.broker().createTopics(PARTITIONS, topics.jobIds(), topics.jobStatus(), topics.finished(),
                topics.errored(), topics.canceled(), topics.deadLetter(), progressTopic, decoyTopic);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.topic.job-progress", progressTopic);
        monitor = RunningMonitor.start(settings, topics);
        watcher = new TopicWatcher(SharedKafka.broker().bootstrapServers(), List.of(topics.jobStatus(),
                topics.finished(), topics.errored(), topics.canceled(), topics.deadLetter(), progressTopic, decoyTopic));
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());

        sentAt = System.currentTimeMillis();
        kafka.send(topics.jobIds(), REJECTED_KEY, REJECTED,
                steeringHeaders(topics.finished(), otherPartition(REJECTED_KEY)));
        kafka.send(topics.jobIds(), "another-producer-key", VALID.getBytes(StandardCharsets.UTF_8),
                steeringHeaders(decoyTopic, otherPartition(VALID)));

        TopicWatcher.awaitOrFail(WAIT, () -> !watcher.on(topics.deadLetter()).isEmpty()
                && !watcher.on(topics.finished()).isEmpty(), () -> "no dead letter or no final event: " + watcher.all());
    }

    @AfterAll
    static void stop() {
        Closing.closeAll(watcher, monitor, kafka, simulator);
    }

    /** What a hostile producer puts on its record: each header the monitor must not obey or pass on. */
    private static Header[] steeringHeaders(String overrideTopic, int partition) {
        return new Header[] {
            header("kafka.OVERRIDE_TOPIC", overrideTopic),
            header("kafka.KEY", "evil-" + MARKER),
            header("kafka.PARTITION_KEY", String.valueOf(partition)),
            header("kafka.OVERRIDE_TIMESTAMP", String.valueOf(FORGED_TIMESTAMP)),
            header("kafka.TOPIC", overrideTopic),
            header("kafka.PARTITION", String.valueOf(partition)),
            header("kafka.OFFSET", "0"),
            header("kafka.TIMESTAMP", String.valueOf(FORGED_TIMESTAMP)),
            header("CamelHttpUri", "http://127.0.0.1:9/" + MARKER),
            header("CamelHttpQuery", MARKER),
            header("CamelKafkaManualCommit", MARKER),
            header("CamelKafkaManualCommitLookalike", MARKER),
            header("Authorization", "Bearer " + MARKER),
            header("monitor-error-code", "FORGED_" + MARKER),
            header("monitor-error-reason", MARKER),
            header("monitor-last-state", MARKER),
            header("ce_type", MARKER),
            header("ce_id", MARKER),
            header("content-type", "text/" + MARKER),
            header("x-trace-id", MARKER),
        };
    }

    /** The partition that a kafka.PARTITION_KEY header must not get the record into: not the key's own. */
    private static int otherPartition(String key) {
        return (partitionOf(key) + 1) % PARTITIONS;
    }

    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    @Test
    void should_dead_letter_rejected_input_byte_for_byte_with_only_the_monitors_headers() {
        List<ConsumerRecord<String, byte[]>> dead = records(topics.deadLetter());
        assertEquals(1, dead.size(), "dead letters: " + dead);
        ConsumerRecord<String, byte[]> letter = dead.get(0);
        assertArrayEquals(REJECTED, letter.value());
        assertEquals(REJECTED_KEY, letter.key(), "the record's own key, not kafka.KEY's");
        assertEquals(partitionOf(REJECTED_KEY), letter.partition(), "not kafka.PARTITION_KEY's partition");
        assertTrue(letter.timestamp() >= sentAt, "not kafka.OVERRIDE_TIMESTAMP's time: " + letter.timestamp());
        assertEquals(List.of("monitor-error-code", "monitor-error-reason"), headerNames(letter));
        assertEquals("INVALID_JOB_ID", header(letter, "monitor-error-code"));
        assertTrue(header(letter, "monitor-error-reason").startsWith("Not an AMS v2 job ID"),
                header(letter, "monitor-error-reason"));
    }

    @Test
    void should_publish_the_valid_jobs_events_on_their_topics_keyed_by_job_id_with_only_cloud_events_headers() {
        List<ConsumerRecord<String, byte[]>> events = new ArrayList<>(records(topics.jobStatus()));
        assertEquals("Finished", TopicWatcher.state(events.get(events.size() - 1)), "job-status: " + events);
        List<ConsumerRecord<String, byte[]>> finished = records(topics.finished());
        assertEquals(1, finished.size());
        assertEquals("Finished", TopicWatcher.state(finished.get(0)));
        events.addAll(finished);
        events.addAll(records(progressTopic));
        for (ConsumerRecord<String, byte[]> event : events) {
            assertEquals(VALID, event.key(), event.toString());
            assertEquals(partitionOf(VALID), event.partition(), event.toString());
            assertTrue(event.timestamp() >= sentAt, event.toString());
            assertEquals(new TreeSet<>(CLOUD_EVENT_HEADERS), new TreeSet<>(headerNames(event)), event.toString());
            assertEquals(1, StreamSupport.stream(event.headers().spliterator(), false).filter(h -> h.key().equals("ce_type")).count());
            assertTrue(Set.of(JobEvents.STATE_CHANGED_TYPE, JobEvents.PROGRESS_TYPE).contains(header(event, "ce_type")),
                    event.toString());
            assertEquals("application/json", header(event, "content-type"));
        }
    }

    @Test
    void should_write_nothing_to_the_topics_the_headers_named_nor_to_other_outcome_topics() {
        assertEquals(List.of(), records(decoyTopic));
        assertEquals(List.of(), records(topics.errored()));
        assertEquals(List.of(), records(topics.canceled()));
    }

    @Test
    void should_let_no_forged_key_header_or_timestamp_reach_any_record_on_the_broker() {
        List<String> leaks = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : everyRecordOnTheBroker()) {
            if (r.topic().equals(topics.jobIds()) || r.topic().endsWith("-job-ids")) {
                continue; // the input itself, or another test's input on the shared broker
            }
            if (r.key() != null && r.key().contains(MARKER) || r.timestamp() == FORGED_TIMESTAMP) {
                leaks.add(r.toString());
            }
            for (Header h : r.headers()) {
                if (h.key().startsWith("kafka.") || h.key().startsWith("Camel") || h.key().equals("Authorization")
                        || h.key().equals("x-trace-id")
                        || h.value() != null && new String(h.value(), StandardCharsets.UTF_8).contains(MARKER)) {
                    leaks.add(r.topic() + ": " + h);
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static List<ConsumerRecord<String, byte[]>> records(String topic) {
        return watcher.on(topic).stream().map(TopicWatcher.Seen::record).toList();
    }

    private static List<String> headerNames(ConsumerRecord<?, ?> record) {
        return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
    }

    /** Every record of every topic on the shared broker, internal topics of the monitor included. */
    private static List<ConsumerRecord<String, byte[]>> everyRecordOnTheBroker() {
        String servers = SharedKafka.broker().bootstrapServers();
        Set<String> names;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            names = admin.listTopics().names().get().stream().filter(n -> !n.startsWith("__")).collect(Collectors.toSet());
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the broker's topics", e);
        }
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                consumer.partitionsFor(name, Duration.ofSeconds(10))
                        .forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read every topic to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
            }
        }
        return all;
    }
}
