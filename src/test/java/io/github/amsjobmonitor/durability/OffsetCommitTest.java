package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job ID's offset on job-ids is not committed before the job's tracking record (its request on the tracking
 * topic) is acknowledged, and a batch whose write failed is read again.
 *
 * <p>How the tracking record is made to fail: the tracking topic is created before the monitor starts (the
 * monitor then leaves it as it is) with {@code max.message.bytes} far below the size of any tracking record. The
 * broker rejects the write with {@code RecordTooLargeException}: immediate, deterministic, not retried by the
 * producer, and confined to that one topic. Raising the limit online ({@code incrementalAlterConfigs}) removes
 * the cause without touching the monitor. Other ways were weighed: a topic that does not exist is created by the
 * monitor (and by auto-creation); {@code min.insync.replicas} above the replica count is a retriable error, so
 * the producer would hold the record for {@code delivery.timeout.ms} (2 min) instead of failing it; stopping the
 * broker would stop commits too, so "not committed" would prove nothing.
 *
 * <p>A rejected record (dead-lettered) goes first, alone, so the group has committed offset 1 before the job ID
 * arrives at offset 1: "not committed past the job ID" is then an exact offset, and shows that commits do
 * happen. A second rejected record follows the job ID: each time the batch is read again, it is dead-lettered
 * again, which is how the test sees the re-reads. The simulator runs on a {@link ManualClock}, so the job stays
 * Queued until the test moves it on.
 */
class OffsetCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofMinutes(1);
    private static final String BEHIND_THE_JOB = "not a job id either";

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            try {
                cleanup.get(i).close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
    }

    @Test
    void should_not_commit_a_job_id_before_its_tracking_record_is_written_and_track_it_once_it_can_be() throws Exception {
        LocalKafkaBroker broker = SharedKafka.broker();
        ManualClock clock = ManualClock.startingNow();
        AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        cleanup.add(simulator);
        String job = SimulatedJob.randomId();
        simulator.register(job, "blocked", JobScenario.FINISH, STEP);
        AtomicInteger checksOfJob = new AtomicInteger();
        simulator.onJobsQuery((ids, at) -> {
            if (ids.contains(job)) {
                checksOfJob.incrementAndGet();
            }
        });
        Topics topics = Topics.unique();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        cleanup.add(admin);
        // no tracking record fits in 64 bytes (a record batch header alone is 61)
        admin.createTopics(List.of(new NewTopic(topics.tracking(), 3, (short) 1).configs(Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64", TopicConfig.CLEANUP_POLICY_CONFIG, "compact"))))
                .all().get(30, TimeUnit.SECONDS);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.poll.interval", "500ms");
        // each failed write is retried twice quickly, then the batch is given up and read again
        settings.put("monitor.kafka-write.retries", "2");
        settings.put("monitor.kafka-write.retry-delay", "100");
        String group = settings.get("monitor.group-id");
        RunningMonitor monitor = RunningMonitor.start(settings, topics);
        cleanup.add(monitor);
        TopicWatcher watcher = new TopicWatcher(broker.bootstrapServers(),
                List.of(topics.jobStatus(), topics.finished(), topics.deadLetter()));
        cleanup.add(watcher);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        cleanup.add(kafka);
        TopicPartition input = new TopicPartition(topics.jobIds(), 0);

        // offset 0: rejected input, dead-lettered, committed
        assertEquals(0, kafka.send(topics.jobIds(), null, "not a job id").offset());
        TopicWatcher.awaitOrFail(WAIT, () -> committed(admin, group, input) == 1,
                () -> "the rejected record's offset was not committed: " + committed(admin, group, input));
        assertEquals(1, watcher.on(topics.deadLetter()).size());

        // offset 1: a job whose tracking record cannot be written; offset 2: a record read again with it
        assertEquals(1, kafka.send(topics.jobIds(), null, job).offset());
        assertEquals(2, kafka.send(topics.jobIds(), null, BEHIND_THE_JOB).offset());
        // commits are asynchronous: look again after each of several further re-reads
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long before = reReads(watcher, topics);
            TopicWatcher.awaitOrFail(WAIT, () -> reReads(watcher, topics) > before,
                    () -> "the batch was not read again: " + reReads(watcher, topics) + " reads of offset 2");
            samples.add(committed(admin, group, input));
        }
        System.out.printf("OffsetCommitTest: while the tracking record could not be written: batch read %d times, "
                        + "committed offsets sampled %s, %d checks of the job%n",
                reReads(watcher, topics), samples, checksOfJob.get());
        assertTrue(samples.stream().allMatch(offset -> offset == 1),
                "the job ID's offset (1) was committed before its tracking record existed: committed offsets " + samples);
        assertTrue(kafka.readAll(topics.tracking()).isEmpty(), "a tracking record got through the 64-byte limit");
        // nothing tracks the job yet, so nothing checks it
        assertEquals(0, checksOfJob.get(), "checks of a job that has no tracking record");
        assertTrue(watcher.on(topics.jobStatus()).isEmpty(), "events of a job that has no tracking record");

        // the cause goes away: the same batch is read again, tracked, committed
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.tracking()),
                (Collection<AlterConfigOp>) List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
        TopicWatcher.awaitOrFail(WAIT, () -> committed(admin, group, input) == 3,
                () -> "the job ID's offset was not committed once its tracking record could be written: "
                        + committed(admin, group, input));
        assertTrue(kafka.readAll(topics.tracking()).stream().anyMatch(r -> job.equals(r.key())),
                "no tracking record for the job on the tracking topic");

        // and it is tracked: the checks find each state, up to the final one
        TopicWatcher.awaitOrFail(WAIT, () -> watcher.on(topics.jobStatus()).stream()
                .anyMatch(s -> job.equals(s.key()) && "Queued".equals(s.state())), () -> "no Queued event for the job");
        for (String state : List.of("Scheduled", "Processing", "Finished")) {
            clock.advance(STEP);
            TopicWatcher.awaitOrFail(WAIT, () -> watcher.on(topics.jobStatus()).stream()
                    .anyMatch(s -> job.equals(s.key()) && state.equals(s.state())), () -> "no " + state + " event for the job");
        }
        TopicWatcher.awaitOrFail(WAIT, () -> watcher.on(topics.finished()).stream().anyMatch(s -> job.equals(s.key())),
                () -> "no event on job-finished");
        assertEquals(4, watcher.on(topics.jobStatus()).size(), "one event per state");
        System.out.printf("OffsetCommitTest: after the fix, tracked to Finished; the record behind the job was "
                + "dead-lettered %d times in all%n", reReads(watcher, topics));
    }

    /** How often the record behind the job ID was read (each read dead-letters it once more). */
    private static long reReads(TopicWatcher watcher, Topics topics) {
        return watcher.on(topics.deadLetter()).stream()
                .filter(s -> BEHIND_THE_JOB.equals(new String(s.record().value(), StandardCharsets.UTF_8))).count();
    }

    /** The group's committed offset of the partition, -1 when there is none. */
    private static long committed(Admin admin, String group, TopicPartition partition) {
        try {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).get(partition);
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the committed offsets of " + group, e);
        }
    }
}
