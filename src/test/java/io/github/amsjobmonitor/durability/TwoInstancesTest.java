package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobState;
import io.github.amsjobmonitor.simulator.ScenarioStep;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.MonitorProcess.StateChange;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two monitor JVMs with the same settings, hence the same consumer groups, share the checks topic's six
 * partitions; one of them then goes away (SIGTERM in one test, SIGKILL in the other) while 20 jobs are running,
 * and the other one brings every job to its final event. Which instance checked which job comes from their
 * logs (logger {@code io.github.amsjobmonitor.state-changes}): the simulator cannot tell them apart.
 */
class TwoInstancesTest {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final int PARTITIONS = 6;
    private static final int JOBS = 20;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final JobState[] ENDINGS = {JobState.FINISHED, JobState.ERROR, JobState.CANCELED};

    private record Check(String jobId, Instant at) {
    }

    private static AmsSimulator simulator;
    private static final Queue<Check> CHECKS = new ConcurrentLinkedQueue<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void startSimulator() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        simulator.onJobsQuery((ids, at) -> ids.forEach(id -> CHECKS.add(new Check(id, at))));
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @AfterEach
    void stopEverything() {
        for (AutoCloseable c : cleanup) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
    }

    @Test
    void should_share_the_checks_and_finish_every_job_when_one_instance_stops_gracefully() {
        run("two-graceful", leaving -> {
            long t0 = System.nanoTime();
            int exit = leaving.stopGracefully(Duration.ofSeconds(40));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("TwoInstancesTest: %s stopped on SIGTERM in %d ms, exit %d%n", leaving, millis, exit);
            assertTrue(leaving.logText().contains(") shutdown in "), "no graceful Camel shutdown in the log:\n" + leaving.tail(30));
        });
    }

    @Test
    void should_finish_every_job_when_one_instance_is_killed() {
        run("two-kill", leaving -> assertEquals(137, leaving.killHard(), "SIGKILL"));
    }

    private void run(String name, java.util.function.Consumer<MonitorProcess> leave) {
        LocalKafkaBroker broker = SharedKafka.broker();
        Topics topics = Topics.unique();
        RunningMonitor.createPublicTopics(broker, topics);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.poll.interval", INTERVAL.toMillis() + "ms");
        settings.put("monitor.checks.partitions", String.valueOf(PARTITIONS));
        // a killed instance keeps its partitions until its session expires: 10 s rather than the default 45 s
        settings.put("camel.component.kafka.session-timeout-ms", "10000");
        TopicWatcher watcher = new TopicWatcher(broker.bootstrapServers(),
                List.of(topics.jobStatus(), topics.finished(), topics.errored(), topics.canceled()));
        cleanup.add(watcher);

        MonitorProcess leaving = MonitorProcess.start(name + "-a", settings);
        cleanup.add(leaving);
        MonitorProcess staying = MonitorProcess.start(name + "-b", settings);
        cleanup.add(staying);
        leaving.awaitStarted(START);
        staying.awaitStarted(START);
        String group = settings.get("monitor.group-id");
        awaitGroup(broker, group + "-checks", 2 * PARTITIONS, PARTITIONS);
        awaitGroup(broker, group, 2, 1);

        // Queued 4 s (time for the intake to take all 20 in), Scheduled 2 s, Processing 5 s, then final: the
        // first change a check finds comes after the intake, and the jobs still run after one instance has gone
        Map<String, String> expected = new LinkedHashMap<>();
        try (KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            for (int i = 0; i < JOBS; i++) {
                String id = SimulatedJob.randomId();
                List<ScenarioStep> steps = List.of(ScenarioStep.of(JobState.QUEUED, Duration.ofSeconds(4)),
                        ScenarioStep.of(JobState.SCHEDULED, Duration.ofSeconds(2)),
                        ScenarioStep.of(JobState.PROCESSING, Duration.ofSeconds(5)),
                        ScenarioStep.of(ENDINGS[i % 3], Duration.ZERO));
                simulator.register(id, name + " " + i, steps);
                expected.put(id, FinalEvents.finalState(steps));
                kafka.send(topics.jobIds(), null, id);
            }
        }

        // both instances check: each logs state changes found by its own checks consumers
        TopicWatcher.awaitOrFail(Duration.ofSeconds(12),
                () -> !checkedBy(leaving, expected.keySet()).isEmpty() && !checkedBy(staying, expected.keySet()).isEmpty(),
                () -> "both instances should have logged changes found by checks; " + name + "-a: "
                        + checkedBy(leaving, expected.keySet()).size() + " jobs, " + name + "-b: "
                        + checkedBy(staying, expected.keySet()).size() + " jobs");
        Set<String> byLeaving = checkedBy(leaving, expected.keySet());
        Set<String> byStaying = checkedBy(staying, expected.keySet());
        System.out.printf("TwoInstancesTest[%s]: before one goes, %s-a logged checks of %d jobs, %s-b of %d jobs%n",
                name, name, byLeaving.size(), name, byStaying.size());
        assertTrue(FinalEvents.jobsWithFinalEvents(watcher, topics).isEmpty(), "jobs final too early to prove anything");

        Instant left = Instant.now();
        leave.accept(leaving);
        byLeaving = checkedBy(leaving, expected.keySet()); // its whole log now

        TopicWatcher.awaitOrFail(WAIT, () -> FinalEvents.missing(watcher, topics, expected).isEmpty(),
                () -> "final events missing for " + FinalEvents.missing(watcher, topics, expected)
                        + "\n--- " + staying.name() + "'s log tail:\n" + staying.tail(40));
        // the instance that stayed made every final check, those of the jobs the other one had checked too
        Set<String> finishedByStaying = staying.stateChanges().stream()
                .filter(c -> expected.get(c.jobId()) != null && expected.get(c.jobId()).equals(c.state()))
                .map(StateChange::jobId).collect(Collectors.toSet());
        assertEquals(expected.keySet(), finishedByStaying, "jobs whose final state the remaining instance logged");
        FinalEvents.distinctIdsPerJobAndState(watcher, topics.jobStatus()).forEach((jobAndState, ids) ->
                assertEquals(1L, ids, "distinct ce_ids for " + jobAndState));
        System.out.printf("TwoInstancesTest[%s]: all %d final events arrived; longest gap between two checks of a job "
                        + "checked by the instance that went: %d ms; repeats on job-status: %d%n", name, JOBS,
                longestGapAfter(left, byLeaving), FinalEvents.repeats(watcher, topics.jobStatus()));
    }

    /** Jobs of {@code ids} for which the process logged a change found by a check (not the intake's first look). */
    private static Set<String> checkedBy(MonitorProcess process, Set<String> ids) {
        return process.stateChanges().stream()
                .filter(c -> ids.contains(c.jobId()) && !c.previous().equals("new"))
                .map(StateChange::jobId).collect(Collectors.toSet());
    }

    /** The longest time between two checks of one of {@code ids} around {@code instant} (handover gap). */
    private static long longestGapAfter(Instant instant, Set<String> ids) {
        long longest = 0;
        for (String id : ids) {
            List<Instant> times = CHECKS.stream().filter(c -> c.jobId().equals(id)).map(Check::at).sorted().toList();
            for (int i = 1; i < times.size(); i++) {
                if (times.get(i).isAfter(instant)) {
                    longest = Math.max(longest, Duration.between(times.get(i - 1), times.get(i)).toMillis());
                }
            }
        }
        return longest;
    }

    /** Waits until the group is stable with {@code members} members that hold {@code partitions} partitions between them. */
    private static void awaitGroup(LocalKafkaBroker broker, String group, int members, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String[] last = {"none"};
            TopicWatcher.awaitOrFail(START, () -> {
                try {
                    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                            .get(10, TimeUnit.SECONDS).get(group);
                    int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                    last[0] = d.state() + ", " + d.members().size() + " members, " + assigned + " partitions assigned";
                    return d.state() == ConsumerGroupState.STABLE && d.members().size() == members && assigned == partitions;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> "group " + group + " not stable with " + members + " members: " + last[0]);
        }
    }
}
