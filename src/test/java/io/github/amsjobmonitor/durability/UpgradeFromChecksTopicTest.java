package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobState;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.ScenarioStep;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import io.github.amsjobmonitor.tracking.ChecksTopicUpgrade;
import io.github.amsjobmonitor.tracking.JobSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Upgrading from the version that kept each tracked job as its next check on the checks topic: that topic is
 * seeded as that version left it (records of its JSON shape, keyed by job ID, three partitions, the group
 * {@code <group-id>-checks} committed part-way), then the new version starts.
 * <ul>
 * <li>every job after the committed offsets is tracked, with what the old version knew (its last state, its
 * correlation data): no first event again, its next change published with the right previous state;</li>
 * <li>the jobs before the committed offsets (checks the old version had already done) are not;</li>
 * <li>a second start carries nothing over again.</li>
 * </ul>
 * The simulator runs on a {@link ManualClock}: the jobs change state only when the test says so.
 */
class UpgradeFromChecksTopicTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Check(String jobId, Instant at) {
    }

    private final ListAppender<ILoggingEvent> upgradeLog = new ListAppender<>();
    private final Logger upgradeLogger = (Logger) LoggerFactory.getLogger(ChecksTopicUpgrade.class);
    private AutoCloseable[] started = {};

    @AfterEach
    void stop() {
        upgradeLogger.detachAppender(upgradeLog);
        Closing.closeAll(started);
    }

    @Test
    void should_carry_over_the_jobs_after_the_committed_offsets_once_and_finish_them() throws Exception {
        LocalKafkaBroker broker = SharedKafka.broker();
        ManualClock clock = ManualClock.startingNow();
        AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        Queue<Check> checks = new ConcurrentLinkedQueue<>();
        simulator.onJobsQuery((ids, at) -> ids.forEach(id -> checks.add(new Check(id, Instant.now()))));
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        started = new AutoCloseable[] {admin, simulator};
        upgradeLog.start();
        upgradeLogger.addAppender(upgradeLog);

        // pending in the old version: A1 seen Queued, A2 seen Processing, A3 seen Queued then Scheduled (two records)
        String a1 = job(simulator, "a1", JobState.QUEUED, JobState.FINISHED);
        String a2 = job(simulator, "a2", JobState.PROCESSING, JobState.ERROR);
        String a3 = job(simulator, "a3", JobState.SCHEDULED, JobState.CANCELED);
        // checked already by the old version (before the committed offsets): not to be carried over
        String b1 = job(simulator, "b1", JobState.QUEUED, JobState.FINISHED);
        String b2 = job(simulator, "b2", JobState.QUEUED, JobState.FINISHED);

        Topics topics = Topics.unique();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.poll.interval", "300ms");
        String checksGroup = settings.get("monitor.group-id") + "-checks";
        admin.createTopics(List.of(new NewTopic(topics.checks(), 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            send(producer, topics.checks(), 0, b1, oldRecord(b1, "Queued", Map.of()));
            send(producer, topics.checks(), 0, a1, oldRecord(a1, "Queued", Map.of("ticket", "UP-1")));
            send(producer, topics.checks(), 1, b2, oldRecord(b2, "Queued", Map.of()));
            send(producer, topics.checks(), 1, a2, oldRecord(a2, "Processing", Map.of("ticket", "UP-2")));
            send(producer, topics.checks(), 2, a3, oldRecord(a3, "Queued", Map.of("ticket", "UP-3")));
            send(producer, topics.checks(), 2, a3, oldRecord(a3, "Scheduled", Map.of("ticket", "UP-3")));
        }
        admin.alterConsumerGroupOffsets(checksGroup, Map.of(
                new TopicPartition(topics.checks(), 0), new OffsetAndMetadata(1),
                new TopicPartition(topics.checks(), 1), new OffsetAndMetadata(1),
                new TopicPartition(topics.checks(), 2), new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);

        RunningMonitor.createPublicTopics(broker, topics);
        TopicWatcher watcher = new TopicWatcher(broker.bootstrapServers(),
                List.of(topics.jobStatus(), topics.finished(), topics.errored(), topics.canceled()));
        RunningMonitor first = RunningMonitor.start(settings, topics);
        started = new AutoCloseable[] {first, watcher, admin, simulator};

        assertEquals(List.of("Carried over 3 jobs"), carriedOverLines(), "what the first start carried over");
        TopicWatcher.awaitOrFail(WAIT, () -> checkCount(checks, a1) >= 2 && checkCount(checks, a2) >= 2
                && checkCount(checks, a3) >= 2, () -> "the carried-over jobs are not checked: " + checks.size() + " checks");
        // they are known as the old version knew them: no state seen now is new
        assertTrue(watcher.on(topics.jobStatus()).isEmpty(), "events for jobs in their known state: " + watcher.all());
        assertEquals(Map.of(), committedOffsetsBehindEnd(admin, checksGroup, topics.checks()),
                "the checks group's offsets after the carry-over");

        clock.advance(STEP);
        TopicWatcher.awaitOrFail(WAIT, () -> watcher.on(topics.finished()).size() + watcher.on(topics.errored()).size()
                + watcher.on(topics.canceled()).size() >= 3, () -> "final events: " + watcher.all());
        assertEquals(List.of("Queued>Finished UP-1"), transitions(watcher, topics, a1));
        assertEquals(List.of("Processing>Error UP-2"), transitions(watcher, topics, a2));
        assertEquals(List.of("Scheduled>Canceled UP-3"), transitions(watcher, topics, a3));
        assertEquals(1, watcher.on(topics.finished()).size());
        assertEquals(1, watcher.on(topics.errored()).size());
        assertEquals(1, watcher.on(topics.canceled()).size());
        assertEquals(0, checkCount(checks, b1) + checkCount(checks, b2), "jobs before the committed offsets were checked");
        assertTrue(transitions(watcher, topics, b1).isEmpty() && transitions(watcher, topics, b2).isEmpty());

        // a second start: nothing is carried over again, and no seeded job comes back
        first.close();
        upgradeLog.list.clear();
        RunningMonitor second = RunningMonitor.start(settings, topics);
        started = new AutoCloseable[] {second, watcher, admin, simulator};
        assertEquals(List.of(), carriedOverLines(), "what the second start carried over");
        JobSchedule schedule = second.context().getRegistry().lookupByNameAndType("jobSchedule", JobSchedule.class);
        // a new job: once it is checked, the tracking partitions are assigned; none restoring: all restored
        String probe = SimulatedJob.randomId();
        simulator.register(probe, "probe", List.of(ScenarioStep.of(JobState.QUEUED, STEP), ScenarioStep.of(JobState.FINISHED,
                Duration.ZERO)));
        Instant secondStart = Instant.now();
        try (KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            kafka.send(topics.jobIds(), null, probe);
        }
        TopicWatcher.awaitOrFail(WAIT, () -> checkCount(checks, probe) >= 1 && schedule.partitionsRestoring() == 0,
                () -> "the second start did not check a new job");
        assertEquals(1, schedule.size(), "jobs tracked after the second start (only the probe)");
        assertTrue(checks.stream().noneMatch(c -> c.at().isAfter(secondStart) && Set.of(a1, a2, a3, b1, b2).contains(c.jobId())),
                "a seeded job was checked after the second start");
        System.out.printf("UpgradeFromChecksTopicTest: 3 of 5 seeded jobs carried over and finished; second start carried "
                + "over nothing%n");
    }

    private static String job(AmsSimulator simulator, String name, JobState now, JobState last) {
        String id = SimulatedJob.randomId();
        simulator.register(id, name, List.of(ScenarioStep.of(now, STEP), ScenarioStep.of(last, Duration.ZERO)));
        return id;
    }

    /** A record as the previous version wrote it to its checks topic (README of that version). */
    private static String oldRecord(String jobId, String lastState, Map<String, String> correlation) throws IOException {
        Instant now = Instant.now();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("jobId", jobId);
        record.put("jobName", "old " + lastState);
        record.put("lastState", lastState);
        record.put("correlationData", correlation);
        record.put("trackedSince", now.minusSeconds(60).toString());
        record.put("dueAt", now.plusSeconds(5).toString());
        record.put("notFoundAttempts", 0);
        record.put("input", "{\"jobId\":\"" + jobId + "\"}");
        record.put("lastProgress", null);
        record.put("lastProgressAt", null);
        record.put("invalidAnswers", 0);
        return JSON.writeValueAsString(record);
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int partition, String key, String value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS);
    }

    private List<String> carriedOverLines() {
        return upgradeLog.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("Carried over"))
                .map(m -> m.substring(0, m.indexOf(" jobs") + 5)).toList();
    }

    private static long checkCount(Queue<Check> checks, String jobId) {
        return checks.stream().filter(c -> c.jobId().equals(jobId)).count();
    }

    /** The job's events on job-status as "previous>state correlation ticket". */
    private static List<String> transitions(TopicWatcher watcher, Topics topics, String jobId) {
        return watcher.on(topics.jobStatus()).stream().filter(s -> jobId.equals(s.key())).map(s -> {
            try {
                JsonNode event = JSON.readTree(s.record().value());
                return event.path("previousState").asText("null") + ">" + event.get("state").asText() + " "
                        + event.path("correlationData").path("ticket").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** Partitions whose committed offset (of the group) is not the end offset. */
    private static Map<TopicPartition, String> committedOffsetsBehindEnd(Admin admin, String group, String topic)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, String> behind = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((partition, end) -> {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null || offset.offset() != end.offset()) {
                behind.put(partition, (offset == null ? "none" : offset.offset()) + " of " + end.offset());
            }
        });
        return behind;
    }
}
