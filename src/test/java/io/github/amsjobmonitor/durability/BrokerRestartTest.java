package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away for 5 s while 16 jobs are being tracked and most of them change state, then comes back
 * on the same port with its data. The monitor (in this JVM, over a broker of its own: restarting the shared one
 * would disturb other classes) must carry on by itself: its tracking consumer reconnects without losing its
 * partitions' jobs, the tracking records written while the broker was away are retried, every final event
 * arrives, and the never-ending jobs are still checked afterwards.
 */
class BrokerRestartTest {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration STEP = Duration.ofSeconds(2);
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final JobScenario[] ENDINGS = {JobScenario.FINISH, JobScenario.ERROR, JobScenario.CANCEL};

    private record Check(String jobId, Instant at) {
    }

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        // in reverse: the monitor stops before its broker
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            try {
                cleanup.get(i).close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
    }

    @Test
    void should_publish_every_final_event_and_keep_checking_after_a_broker_outage() throws InterruptedException {
        LocalKafkaBroker broker = LocalKafkaBroker.start(null, 0);
        cleanup.add(broker::stop);
        AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        cleanup.add(simulator);
        Queue<Check> checks = new ConcurrentLinkedQueue<>();
        simulator.onJobsQuery((ids, at) -> ids.forEach(id -> checks.add(new Check(id, at))));
        Topics topics = Topics.unique();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics, broker);
        settings.put("monitor.poll.interval", INTERVAL.toMillis() + "ms");
        RunningMonitor monitor = RunningMonitor.start(settings, topics, broker);
        cleanup.add(monitor);
        TopicWatcher watcher = new TopicWatcher(broker.bootstrapServers(),
                List.of(topics.jobStatus(), topics.finished(), topics.errored(), topics.canceled()));
        cleanup.add(watcher);

        // 2 s steps: the jobs go through most of their states while the broker is away
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> running = new ArrayList<>();
        try (KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            for (int i = 0; i < 12; i++) {
                JobScenario scenario = ENDINGS[i % 3];
                String id = SimulatedJob.randomId();
                simulator.register(id, "outage " + i, scenario, STEP);
                expected.put(id, FinalEvents.finalState(scenario));
                kafka.send(topics.jobIds(), null, id);
            }
            for (int i = 0; i < 4; i++) {
                String id = SimulatedJob.randomId();
                simulator.register(id, "outage long " + i, JobScenario.LONG_RUNNING, STEP);
                running.add(id);
                kafka.send(topics.jobIds(), null, id);
            }
        }
        TopicWatcher.awaitOrFail(Duration.ofSeconds(20), () -> FinalEvents.jobsWithEvents(watcher, topics).size() == 16,
                () -> "every job's first event before the outage; got " + FinalEvents.jobsWithEvents(watcher, topics).size());
        int finalBefore = FinalEvents.jobsWithFinalEvents(watcher, topics).size();

        broker.halt();
        Instant haltedAt = Instant.now();
        Thread.sleep(OUTAGE.toMillis()); // not a wait for something: the outage itself
        broker.resume();
        Instant resumedAt = Instant.now();
        long checksDuringOutage = checks.stream().filter(c -> c.at().isAfter(haltedAt) && c.at().isBefore(resumedAt)).count();
        System.out.printf("BrokerRestartTest: broker down %d ms with %d of 12 jobs final before; the monitor made %d AMS "
                + "checks while it was down%n", Duration.between(haltedAt, resumedAt).toMillis(), finalBefore, checksDuringOutage);
        assertTrue(finalBefore < 6, "the outage came too late to prove anything: " + finalBefore + " of 12 jobs final");

        TopicWatcher.awaitOrFail(WAIT, () -> FinalEvents.missing(watcher, topics, expected).isEmpty(),
                () -> "final events missing after the broker came back for " + FinalEvents.missing(watcher, topics, expected));
        Instant allFinal = Instant.now();
        // the never-ending jobs are still tracked: checked again, several times, once the broker is back
        Instant from = allFinal.isAfter(resumedAt) ? allFinal : resumedAt;
        TopicWatcher.awaitOrFail(Duration.ofSeconds(15),
                () -> running.stream().allMatch(id -> checks.stream().filter(c -> c.jobId().equals(id) && c.at().isAfter(from)).count() >= 3),
                () -> "never-ending jobs no longer checked after the outage: checks since " + from + ": "
                        + running.stream().collect(Collectors.toMap(id -> id,
                                id -> checks.stream().filter(c -> c.jobId().equals(id) && c.at().isAfter(from)).count(),
                                (a, b) -> a, TreeMap::new)));
        FinalEvents.distinctIdsPerJobAndState(watcher, topics.jobStatus()).forEach((jobAndState, ids) ->
                assertEquals(1L, ids, "distinct ce_ids for " + jobAndState));
        System.out.printf("BrokerRestartTest: all 12 final events %d ms after the broker came back; repeats on job-status: %d%n",
                Duration.between(resumedAt, allFinal).toMillis(), FinalEvents.repeats(watcher, topics.jobStatus()));
    }
}
