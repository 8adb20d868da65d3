package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the monitor while 40 jobs are in flight, then a new monitor with the same settings: it restores the
 * jobs from the tracking topic, every job still gets its final event (on job-status and its outcome topic, a
 * repeat with the same ce_id), and once the restart has settled each running job is checked once per poll
 * interval: one chain of checks per job, never two checks closer than an interval.
 *
 * <p>The monitor runs as a real JVM ({@link MonitorProcess}), so the kill is a real SIGKILL: no shutdown hook,
 * no last commit, no leave-group. The consumer session timeout is lowered to 10 s for the test (the monitor's
 * default is Kafka's 45 s): the dead consumers hold their partitions until their session expires, and the
 * class must stay within its time budget.
 */
class CrashRecoveryTest {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    /** The window, starting once every never-ending job is checked again after the restart, in which checks are counted. */
    private static final int WINDOW_INTERVALS = 6;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final JobScenario[] ENDINGS = {JobScenario.FINISH, JobScenario.ERROR, JobScenario.CANCEL};

    private record Check(String jobId, Instant at) {
    }

    private static final Queue<Check> CHECKS = new ConcurrentLinkedQueue<>();
    private static final Map<String, String> EXPECTED_FINAL = new LinkedHashMap<>();
    private static final List<String> LONG_RUNNING = new ArrayList<>();

    private static AmsSimulator simulator;
    private static Topics topics;
    private static TopicWatcher watcher;
    private static MonitorProcess first;
    private static MonitorProcess second;
    private static Instant killedAt;
    private static int finalsBeforeKill;
    private static Instant intakeCaughtUpAt;
    private static Instant secondStartedAt;

    @BeforeAll
    static void killTheMonitorMidFlightAndStartAnother() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        simulator.onJobsQuery((ids, at) -> ids.forEach(id -> CHECKS.add(new Check(id, at))));
        LocalKafkaBroker broker = SharedKafka.broker();
        topics = Topics.unique();
        RunningMonitor.createPublicTopics(broker, topics);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.poll.interval", INTERVAL.toMillis() + "ms");
        settings.put("camel.component.kafka.session-timeout-ms", "10000");
        watcher = new TopicWatcher(broker.bootstrapServers(),
                List.of(topics.jobStatus(), topics.finished(), topics.errored(), topics.canceled()));

        first = MonitorProcess.start("crash-recovery-1", settings).awaitStarted(START);

        // registered only now, so that their 3-4 s steps are still running when the monitor is killed; the
        // never-ending jobs go first, so that their check chains are surely running when it is killed
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = SimulatedJob.randomId();
            simulator.register(id, "long " + i, JobScenario.LONG_RUNNING, Duration.ofSeconds(3));
            LONG_RUNNING.add(id);
            ids.add(id);
        }
        for (int i = 0; i < 30; i++) {
            JobScenario scenario = ENDINGS[i % 3];
            String id = SimulatedJob.randomId();
            // steps long enough that no job can be final before the kill, even when a loaded machine is slow
            // to show the first events (CI ran two test JVMs side by side: all 30 were final with 3 s steps)
            simulator.register(id, "crash " + i, scenario, Duration.ofMillis(6000 + (i % 5) * 500));
            EXPECTED_FINAL.put(id, FinalEvents.finalState(scenario));
            ids.add(id);
        }
        try (KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            for (int i = 0; i < ids.size(); i++) {
                kafka.send(topics.jobIds(), null, i % 2 == 0 ? ids.get(i)
                        : "{\"jobId\":\"" + ids.get(i) + "\",\"correlationData\":{\"n\":\"" + i + "\"}}");
            }
        }

        TopicWatcher.awaitOrFail(Duration.ofSeconds(30), () -> {
            var seen = FinalEvents.jobsWithEvents(watcher, topics);
            return seen.size() >= 20 && seen.containsAll(LONG_RUNNING);
        }, () -> "the never-ending jobs and 20 of 40 jobs with events before the kill; got "
                + FinalEvents.jobsWithEvents(watcher, topics).size() + "\n" + first.tail(30));
        killedAt = Instant.now();
        int exit = first.killHard();
        finalsBeforeKill = FinalEvents.jobsWithFinalEvents(watcher, topics).size();
        System.out.printf("CrashRecoveryTest: killed %s (exit %d) with %d of 40 jobs seen, %d of 30 final%n",
                first, exit, FinalEvents.jobsWithEvents(watcher, topics).size(), finalsBeforeKill);
        assertEquals(137, exit, "SIGKILL");

        second = MonitorProcess.start("crash-recovery-2", settings).awaitStarted(START);
        secondStartedAt = Instant.now();
        intakeCaughtUpAt = awaitCommitted(broker, settings.get("monitor.group-id"), topics.jobIds(), ids.size());
    }

    /** Polls the group's committed offset of the (one-partition) topic until it reaches {@code end}; returns when. */
    private static Instant awaitCommitted(LocalKafkaBroker broker, String group, String topic, long end) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            long[] committed = {-1};
            TopicWatcher.awaitOrFail(WAIT, () -> {
                try {
                    OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS).get(partition);
                    committed[0] = offset == null ? -1 : offset.offset();
                    return committed[0] >= end;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, () -> "the new monitor did not commit its input up to " + end + " (committed: " + committed[0] + ")\n"
                    + second.tail(30));
            return Instant.now();
        }
    }

    @AfterAll
    static void cleanUp() {
        for (AutoCloseable c : new AutoCloseable[] {first, second, watcher, simulator}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("cleanup: " + e);
                }
            }
        }
    }

    @Test
    void should_be_killed_while_jobs_are_mid_flight() {
        assertTrue(finalsBeforeKill < 25, "the kill came too late to prove anything: " + finalsBeforeKill + " of 30 jobs final");
    }

    @Test
    void should_keep_the_client_secret_out_of_the_process_list() {
        String commandLine = second.commandLine();
        assertTrue(commandLine.contains("io.github.amsjobmonitor.Application"), commandLine);
        assertFalse(commandLine.contains(simulator.settings().clientSecret()), "the client secret is in the process list");
        assertTrue(second.logLines("azure.ad.client-secret").stream().anyMatch(l -> l.contains("[OS Environment Variable]")),
                "the secret should come from AZURE_AD_CLIENT_SECRET");
    }

    @Test
    void should_publish_every_final_event_on_job_status_and_its_outcome_topic_after_a_kill_9() {
        TopicWatcher.awaitOrFail(WAIT, () -> FinalEvents.missing(watcher, topics, EXPECTED_FINAL).isEmpty(),
                () -> "final events missing for " + FinalEvents.missing(watcher, topics, EXPECTED_FINAL).stream()
                        .map(id -> id + " (" + EXPECTED_FINAL.get(id) + ")").toList()
                        + "\n--- new monitor's log tail:\n" + second.tail(40));
        for (String id : LONG_RUNNING) {
            assertTrue(watcher.all().stream().filter(s -> id.equals(s.key()))
                    .noneMatch(s -> !s.topic().equals(topics.jobStatus())), "a running job on an outcome topic: " + id);
        }
        System.out.printf("CrashRecoveryTest: all 30 final events arrived; repeats (same ce_id again): job-status %d, "
                        + "job-finished %d, job-errored %d, job-canceled %d%n",
                FinalEvents.repeats(watcher, topics.jobStatus()), FinalEvents.repeats(watcher, topics.finished()),
                FinalEvents.repeats(watcher, topics.errored()), FinalEvents.repeats(watcher, topics.canceled()));
        // the same job and state always gets the same ce_id, so consumers can drop the repeats
        FinalEvents.distinctIdsPerJobAndState(watcher, topics.jobStatus()).forEach((jobAndState, ids) ->
                assertEquals(1L, ids, "distinct ce_ids for " + jobAndState));
    }

    @Test
    void should_check_each_restored_job_soon_after_the_restart() {
        // the dead instance holds the tracking partitions until its session (10 s) expires; then the restore
        Instant launched = second.startedAt();
        List<Long> fromStarted = new ArrayList<>();
        List<Long> fromKill = new ArrayList<>();
        TopicWatcher.awaitOrFail(WAIT, () -> LONG_RUNNING.stream().allMatch(id -> CHECKS.stream()
                        .anyMatch(c -> c.jobId().equals(id) && c.at().isAfter(launched))),
                () -> "never-ending jobs not checked after the restart\n" + second.tail(40));
        for (String id : LONG_RUNNING) {
            Instant first = CHECKS.stream().filter(c -> c.jobId().equals(id) && c.at().isAfter(launched)).map(Check::at)
                    .min(Instant::compareTo).orElseThrow();
            fromKill.add(Duration.between(killedAt, first).toMillis());
            fromStarted.add(Duration.between(secondStartedAt, first).toMillis());
        }
        fromKill.sort(null);
        fromStarted.sort(null);
        System.out.printf("CrashRecoveryTest: restart -> first check of each never-ending job: %s ms after the new "
                        + "monitor started (JVM launched %d ms after the kill, Camel started %d ms after the kill); "
                        + "%s ms after the kill; the new monitor logged: %s%n", fromStarted,
                Duration.between(killedAt, launched).toMillis(), Duration.between(killedAt, secondStartedAt).toMillis(),
                fromKill, second.logLines("Restored partition").stream().map(l -> l.substring(l.indexOf("Restored"))).toList());
        long bound = 10_000 + 10_000; // the dead instance's session timeout + rebalance, restore and the first tick
        assertTrue(fromStarted.get(fromStarted.size() - 1) <= bound,
                "a restored job was checked only " + fromStarted + " ms after the new monitor started");
    }

    @Test
    void should_check_each_running_job_once_per_interval_once_the_restart_has_settled() {
        // the new JVM is launched only once the old one is dead: every check after its launch is its own
        Instant restartedAt = awaitFirstCheckAfter(second.startedAt());
        // settled: the new monitor has taken in every job ID it was given, and every never-ending job's chain of
        // checks runs again (checked twice since the restart: the first round after a restore is the slowest)
        TopicWatcher.awaitOrFail(WAIT, () -> LONG_RUNNING.stream().allMatch(id -> CHECKS.stream()
                        .filter(c -> c.jobId().equals(id) && c.at().isAfter(second.startedAt())).count() >= 2),
                () -> "never-ending jobs not checked twice after the restart\n" + second.tail(40));
        Instant chainsRunning = Instant.now();
        Instant settled = chainsRunning.isAfter(intakeCaughtUpAt) ? chainsRunning : intakeCaughtUpAt;
        Instant from = settled;
        Instant to = from.plus(INTERVAL.multipliedBy(WINDOW_INTERVALS));
        TopicWatcher.await(Duration.ofSeconds(30), () -> Instant.now().isAfter(to.plusMillis(200)));

        Map<String, Long> perJob = CHECKS.stream()
                .filter(c -> !c.at().isBefore(from) && c.at().isBefore(to))
                .collect(Collectors.groupingBy(Check::jobId, TreeMap::new, Collectors.counting()));
        // one chain of checks: a check every interval (plus a tick), so about WINDOW_INTERVALS checks; two chains double it
        long bound = WINDOW_INTERVALS + 1;
        Map<String, Long> longRunning = new TreeMap<>();
        LONG_RUNNING.forEach(id -> longRunning.put(id, perJob.getOrDefault(id, 0L)));
        Map<String, Long> tooOften = perJob.entrySet().stream().filter(e -> e.getValue() > bound)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        System.out.printf("CrashRecoveryTest: new monitor's first check %d ms after the kill, input committed %d ms "
                        + "after the kill; checks per job in [%s, %s): long-running %s; over %d: %s%n",
                Duration.between(killedAt, restartedAt).toMillis(), Duration.between(killedAt, intakeCaughtUpAt).toMillis(),
                from, to, longRunning.values(), bound, tooOften);
        tooOften.keySet().forEach(id -> {
            System.out.printf("  %s checked at (ms after the window start) %s; the new monitor logged:%n", id,
                    CHECKS.stream().filter(c -> c.jobId().equals(id) && !c.at().isBefore(from) && c.at().isBefore(to))
                            .map(c -> Duration.between(from, c.at()).toMillis()).toList());
            second.logLines(id).forEach(line -> System.out.println("    " + line));
        });

        assertTrue(tooOften.isEmpty(), "jobs checked more than " + bound + " times in " + WINDOW_INTERVALS
                + " intervals after the restart settled (duplicate check chains): " + tooOften);
        longRunning.forEach((id, count) -> assertTrue(count >= WINDOW_INTERVALS / 2,
                "running job " + id + " checked only " + count + " times in " + WINDOW_INTERVALS + " intervals after the "
                        + "restart; its checks since the kill, in ms from the window's start: " + CHECKS.stream()
                        .filter(c -> c.jobId().equals(id) && c.at().isAfter(killedAt))
                        .map(c -> Duration.between(from, c.at()).toMillis()).toList()));
        for (String id : LONG_RUNNING) {
            List<Instant> times = CHECKS.stream().filter(c -> c.jobId().equals(id) && !c.at().isBefore(from) && c.at().isBefore(to))
                    .map(Check::at).sorted().toList();
            for (int i = 1; i < times.size(); i++) {
                long gap = Duration.between(times.get(i - 1), times.get(i)).toMillis();
                // a check is due one interval after the previous one ended; a second chain would check in between
                assertTrue(gap >= INTERVAL.toMillis() - 50, id + " checked twice " + gap + " ms apart after the restart");
            }
        }
    }

    private static Instant awaitFirstCheckAfter(Instant instant) {
        TopicWatcher.awaitOrFail(WAIT, () -> CHECKS.stream().anyMatch(c -> c.at().isAfter(instant)),
                () -> "no AMS check by the new monitor\n" + second.tail(40));
        return CHECKS.stream().map(Check::at).filter(at -> at.isAfter(instant)).min(Instant::compareTo).orElseThrow();
    }
}
