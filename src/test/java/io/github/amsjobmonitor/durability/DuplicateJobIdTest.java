package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.CheckLog;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import io.github.amsjobmonitor.tracking.JobSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job ID sent twice is one tracked job: one chain of checks (about one check per interval, never two close
 * together) and one event per state. The duplicate is sent once while the instance that took the job in tracks
 * it, and once more after another instance restored the job from the tracking topic.
 * The simulator runs on a {@link ManualClock}: the job stays Queued until the test moves it on.
 */
class DuplicateJobIdTest {

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Checks are counted over this many intervals: one chain makes about as many checks, two make twice as many. */
    private static final int WINDOW = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private AutoCloseable[] started = {};

    @AfterEach
    void stop() {
        Closing.closeAll(started);
    }

    @Test
    void should_track_a_job_id_sent_twice_as_one_job_also_after_another_instance_restored_it() throws Exception {
        LocalKafkaBroker broker = SharedKafka.broker();
        ManualClock clock = ManualClock.startingNow();
        AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        CheckLog checks = new CheckLog().listenTo(simulator, "simulator");
        String job = SimulatedJob.randomId();
        simulator.register(job, "sent twice", JobScenario.FINISH, STEP);
        Topics topics = Topics.unique();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.poll.interval", INTERVAL.toMillis() + "ms");
        String group = settings.get("monitor.group-id");
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        RunningMonitor.createPublicTopics(broker, topics);
        TopicWatcher watcher = new TopicWatcher(broker.bootstrapServers(), List.of(topics.jobStatus(), topics.finished()));
        RunningMonitor first = RunningMonitor.start(settings, topics);
        started = new AutoCloseable[] {first, watcher, admin, kafka, simulator};
        TopicPartition input = new TopicPartition(topics.jobIds(), 0);

        kafka.send(topics.jobIds(), null, job);
        TopicWatcher.awaitOrFail(WAIT, () -> !watcher.on(topics.jobStatus()).isEmpty(), () -> "no Queued event");
        kafka.send(topics.jobIds(), null, "{\"jobId\":\"" + job + "\",\"correlationData\":{\"again\":\"yes\"}}");
        TopicWatcher.awaitOrFail(WAIT, () -> committed(admin, group, input) == 2, () -> "the duplicate was not taken in");
        assertOneChain(checks, job, "with the instance that took it in");

        // another instance takes over: it restores the job from the tracking topic, then the ID comes once more
        first.close();
        Instant handedOver = Instant.now();
        RunningMonitor second = RunningMonitor.start(settings, topics);
        started = new AutoCloseable[] {second, watcher, admin, kafka, simulator};
        TopicWatcher.awaitOrFail(WAIT, () -> checks.firstAfter(job, handedOver).isPresent(),
                () -> "the second instance did not restore the job");
        kafka.send(topics.jobIds(), null, job);
        TopicWatcher.awaitOrFail(WAIT, () -> committed(admin, group, input) == 3, () -> "the third copy was not taken in");
        assertOneChain(checks, job, "after another instance restored it");
        JobSchedule schedule = second.context().getRegistry().lookupByNameAndType("jobSchedule", JobSchedule.class);
        assertEquals(1, schedule.size(), "jobs tracked by the second instance");

        for (String state : List.of("Scheduled", "Processing", "Finished")) {
            clock.advance(STEP);
            TopicWatcher.awaitOrFail(WAIT, () -> watcher.on(topics.jobStatus()).stream().anyMatch(s -> state.equals(s.state())),
                    () -> "no " + state + " event");
        }
        TopicWatcher.awaitOrFail(WAIT, () -> watcher.on(topics.finished()).size() == 1, () -> "no event on job-finished");
        TopicWatcher.awaitOrFail(WAIT, () -> schedule.size() == 0, () -> "still tracked after its final event");
        assertEquals(List.of("null>Queued", "Queued>Scheduled", "Scheduled>Processing", "Processing>Finished"),
                watcher.on(topics.jobStatus()).stream().map(s -> transition(s.record().value())).toList(),
                "one event per state");
        assertEquals(1, watcher.on(topics.finished()).size(), "events on job-finished");
    }

    /** Over the next WINDOW intervals the job is checked about once per interval, never twice close together. */
    private static void assertOneChain(CheckLog checks, String job, String when) {
        Instant from = Instant.now();
        Instant to = from.plus(INTERVAL.multipliedBy(WINDOW));
        TopicWatcher.await(WAIT, () -> Instant.now().isAfter(to.plusMillis(100)));
        long count = checks.count(job, from, to);
        Duration shortest = checks.shortestGap(job, from, to).orElse(Duration.ZERO);
        System.out.printf("DuplicateJobIdTest: %s: %d checks in %d intervals, shortest gap %d ms%n", when, count, WINDOW,
                shortest.toMillis());
        assertTrue(count >= WINDOW / 2 && count <= WINDOW + 1, when + ": " + count + " checks in " + WINDOW
                + " intervals (a second chain would double them)");
        // a check is due one interval after the previous one ended; a second chain would check in between
        assertTrue(shortest.compareTo(INTERVAL.minusMillis(50)) >= 0, when + ": two checks " + shortest.toMillis() + " ms apart");
    }

    private static String transition(byte[] value) {
        try {
            JsonNode event = JSON.readTree(value);
            return event.path("previousState").asText("null") + ">" + event.get("state").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long committed(Admin admin, String group, TopicPartition partition) {
        try {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).get(partition);
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
