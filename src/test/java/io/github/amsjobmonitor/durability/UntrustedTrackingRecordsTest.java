package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import io.github.amsjobmonitor.tracking.TrackingRecords;
import io.github.amsjobmonitor.tracking.TrackingRecords.Skip;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records on the tracking topic that the monitor did not write as it writes them (key differing from
 * the value's jobId, an invalid jobId, a time that does not parse, an oversized record, a tombstone
 * under a key that is not a canonical job ID) are skipped and counted, before the restore and after
 * it, and harm no genuine job: each of those reaches its final event exactly once. Every job a bad
 * record names is a real job in the simulator, so a record let through would show as an event.
 */
class UntrustedTrackingRecordsTest {

    /** Each genuine job takes four steps to finish: the bad records written after the start come while it is tracked. */
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private AutoCloseable[] started = {};

    @AfterEach
    void stop() {
        Closing.closeAll(started);
    }

    @Test
    void should_skip_and_count_untrusted_tracking_records_while_every_genuine_job_reaches_its_final_event_once() {
        LocalKafkaBroker broker = SharedKafka.broker();
        AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        List<String> genuine = List.of(SimulatedJob.randomId(), SimulatedJob.randomId(), SimulatedJob.randomId());
        List<String> named = List.of(SimulatedJob.randomId(), SimulatedJob.randomId(), SimulatedJob.randomId(),
                SimulatedJob.randomId(), SimulatedJob.randomId());
        named.forEach(id -> simulator.register(id, "named by a bad record", JobScenario.FINISH, STEP));
        Topics topics = Topics.unique();
        RunningMonitor.createPublicTopics(broker, topics);
        broker.createTopics(3, topics.tracking());
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        TopicWatcher watcher = new TopicWatcher(broker.bootstrapServers(),
                List.of(topics.jobStatus(), topics.finished(), topics.deadLetter()));
        started = new AutoCloseable[] {watcher, kafka, simulator};
        String since = Instant.now().toString();

        // before the start: the restore reads these
        kafka.send(topics.tracking(), named.get(0), request(named.get(1), since));
        kafka.send(topics.tracking(), named.get(2), request("nb:jid:UUID:x' or Id ne '", since));
        kafka.send(topics.tracking(), named.get(3), request(named.get(3), "yesterday"));
        byte[] oversized = new byte[TrackingRecords.MAX_RECORD_BYTES + 1];
        Arrays.fill(oversized, (byte) ' ');
        byte[] start = request(named.get(4), since).getBytes();
        System.arraycopy(start, 0, oversized, 0, start.length);
        kafka.send(topics.tracking(), named.get(4), oversized);
        RunningMonitor monitor = RunningMonitor.start(settings, topics);
        started = new AutoCloseable[] {monitor, watcher, kafka, simulator};

        // the genuine jobs, one of them in upper case; then more bad records while they are tracked
        genuine.forEach(id -> simulator.register(id, "genuine", JobScenario.FINISH, STEP));
        kafka.send(topics.jobIds(), null, upperCase(genuine.get(0)));
        kafka.send(topics.jobIds(), null, genuine.get(1));
        kafka.send(topics.jobIds(), null, genuine.get(2));
        TopicWatcher.awaitOrFail(WAIT, () -> FinalEvents.jobsWithEvents(watcher, topics).containsAll(genuine),
                () -> "not every genuine job has its first event");
        kafka.send(topics.tracking(), upperCase(genuine.get(1)), (byte[]) null);
        kafka.send(topics.tracking(), genuine.get(2), request(named.get(0), since));
        kafka.send(topics.tracking(), "not a job id\r\nforged log line", (byte[]) null);

        Map<String, String> expected = genuine.stream().collect(Collectors.toMap(id -> id, id -> "Finished"));
        TopicWatcher.awaitOrFail(WAIT, () -> FinalEvents.missing(watcher, topics, expected).isEmpty(),
                () -> "no final event yet for " + FinalEvents.missing(watcher, topics, expected));
        TopicWatcher.awaitOrFail(WAIT, () -> monitor.schedule().size() == 0, () -> "still tracked: " + monitor.schedule().size());

        // key differing from jobId before and after the restore; two tombstones under keys that are not canonical job IDs
        Map<Skip, Long> expectedSkips = Map.of(Skip.KEY_DIFFERS, 2L, Skip.INVALID_KEY, 2L, Skip.INVALID_JOB_ID, 1L,
                Skip.INVALID_TIME, 1L, Skip.OVERSIZED, 1L, Skip.UNREADABLE, 0L);
        TopicWatcher.awaitOrFail(WAIT, () -> expectedSkips.equals(skipped(monitor)), () -> "skipped: " + skipped(monitor));
        assertEquals(Set.copyOf(genuine), FinalEvents.jobsWithEvents(watcher, topics), "events only for the genuine jobs");
        assertEquals(List.of(), watcher.on(topics.deadLetter()), "nothing dead-lettered");
        Map<String, Long> finished = watcher.on(topics.finished()).stream()
                .collect(Collectors.groupingBy(TopicWatcher.Seen::key, Collectors.counting()));
        assertEquals(expected.keySet().stream().collect(Collectors.toMap(id -> id, id -> 1L)), finished,
                "each genuine job's final event exactly once, under its canonical ID");
        Map<String, Long> states = watcher.on(topics.jobStatus()).stream()
                .collect(Collectors.groupingBy(s -> s.key() + " " + s.state(), Collectors.counting()));
        assertTrue(states.values().stream().allMatch(n -> n == 1), "one event per job and state: " + states);
    }

    private static Map<Skip, Long> skipped(RunningMonitor monitor) {
        Map<Skip, Long> skipped = new HashMap<>();
        for (Skip reason : Skip.values()) {
            skipped.put(reason, monitor.schedule().records().skipped(reason));
        }
        return skipped;
    }

    /** A tracking record as intake writes it (a request), for {@code jobId}, tracked since {@code since}. */
    private static String request(String jobId, String since) {
        return "{\"jobId\":\"" + jobId + "\",\"trackedSince\":\"" + since + "\",\"origin\":\"intake\"}";
    }

    private static String upperCase(String jobId) {
        return "nb:jid:UUID:" + jobId.substring("nb:jid:UUID:".length()).toUpperCase(Locale.ROOT);
    }
}
