package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.CheckLog;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The only instance is killed (SIGKILL) while it tracks 2,000 never-ending jobs at a 10-minute interval, and
 * started again: it restores the jobs from the tracking topic and checks every one of them again within the
 * session timeout (the dead instance holds its partitions until then) plus a bound, each exactly once. Then
 * SIGTERM stops it within 5 s although every job's next check is ten minutes away: no thread waits for a due
 * time (a thread dump shows none of the monitor's own code asleep), which is also why an interval over the old
 * 4-minute cap is accepted.
 */
class RestoreTest {

    private static final int JOBS = 2_000;
    private static final String INTERVAL = "10m";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** Beyond the session timeout, after the new instance has started: rebalance, restore, 100 requests. */
    private static final Duration RESTORE_BOUND = Duration.ofSeconds(15);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern RESTORED = Pattern.compile("Restored partition (\\d+) of \\S+ \\((\\d+) records\\) in (\\d+) ms");

    private AutoCloseable[] started = {};

    @AfterEach
    void stop() {
        Closing.closeAll(started);
    }

    @Test
    void should_check_every_job_again_after_a_kill_9_and_stop_on_sigterm_at_a_10_minute_interval() {
        LocalKafkaBroker broker = SharedKafka.broker();
        AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        CheckLog checks = new CheckLog().listenTo(simulator, "simulator");
        List<String> jobs = new ArrayList<>(JOBS);
        for (int i = 0; i < JOBS; i++) {
            String id = SimulatedJob.randomId();
            simulator.register(id, "restore " + i, JobScenario.LONG_RUNNING, Duration.ofHours(1));
            jobs.add(id);
        }
        Topics topics = Topics.unique();
        RunningMonitor.createPublicTopics(broker, topics);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.poll.interval", INTERVAL);
        settings.put("camel.component.kafka.session-timeout-ms", String.valueOf(SESSION_TIMEOUT.toMillis()));

        MonitorProcess first = MonitorProcess.start("restore-1", settings);
        started = new AutoCloseable[] {first, simulator};
        first.awaitStarted(START);
        Instant sent = Instant.now();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            jobs.forEach(id -> producer.send(new ProducerRecord<>(topics.jobIds(), id)));
        }
        TopicWatcher.awaitOrFail(WAIT, () -> checks.allCheckedAfter(jobs, sent),
                () -> "not every job checked once before the kill: " + checks.all().size() + " checks\n" + first.tail(20));
        long firstChecksMillis = Duration.between(sent, Instant.now()).toMillis();

        Instant killed = Instant.now();
        assertEquals(137, first.killHard(), "SIGKILL");
        MonitorProcess second = MonitorProcess.start("restore-2", settings);
        started = new AutoCloseable[] {second, first, simulator};
        second.awaitStarted(START);
        Instant restarted = Instant.now();
        TopicWatcher.awaitOrFail(SESSION_TIMEOUT.plus(RESTORE_BOUND).plus(WAIT), () -> checks.allCheckedAfter(jobs, killed),
                () -> "not every job checked again after the restart\n" + second.tail(30));
        Instant allChecked = Instant.now();
        List<String> restoreLines = second.logLines("Restored partition");
        // every job's next check is ten minutes away: nothing of the monitor's own may be asleep waiting for it
        String threads = second.threadDump();
        List<String> waitingInMonitorCode = MonitorProcess.threadsWaitingInMonitorCode(threads);

        Instant stopping = Instant.now();
        int exit = second.stopGracefully(Duration.ofSeconds(30));
        long stopMillis = Duration.between(stopping, Instant.now()).toMillis();

        long records = 0;
        long longestRestore = 0;
        for (String line : restoreLines) {
            Matcher m = RESTORED.matcher(line);
            if (m.find()) {
                records += Long.parseLong(m.group(2));
                longestRestore = Math.max(longestRestore, Long.parseLong(m.group(3)));
            }
        }
        Map<String, Long> afterRestart = checks.countPerJob(jobs, killed, stopping);
        long twice = afterRestart.values().stream().filter(n -> n > 1).count();
        System.out.printf("RestoreTest: %d jobs first checked %d ms after they were sent; after the kill, the new JVM "
                        + "started %d ms after the kill and checked every job again %d ms after the kill (%d ms after its "
                        + "start); restore: %d partitions, %d records, longest %d ms; jobs checked twice after the restart: "
                        + "%d; SIGTERM to exit at a %s interval: %d ms (exit %d)%n", JOBS, firstChecksMillis,
                Duration.between(killed, restarted).toMillis(), Duration.between(killed, allChecked).toMillis(),
                Duration.between(restarted, allChecked).toMillis(), restoreLines.size(), records, longestRestore, twice,
                INTERVAL, stopMillis, exit);
        restoreLines.forEach(line -> System.out.println("  " + line));

        assertEquals(0, twice, "jobs checked more than once after the restart (next checks are 10 minutes away)");
        assertTrue(records >= JOBS, "the restore read " + records + " records for " + JOBS + " jobs:\n" + restoreLines);
        assertTrue(threads.contains("tracking-store"), "not a thread dump of the monitor:\n" + threads);
        assertEquals(List.of(), waitingInMonitorCode, "threads waiting in the monitor's own code while every job waits");
        // how fast (the 5 s target) is measured by bench/heap and printed above, not asserted: a test must not
        // depend on the machine's speed; what it proves is that SIGTERM alone ends the process, gracefully
        assertEquals(143, exit, "SIGTERM to exit took " + stopMillis + " ms at a " + INTERVAL + " interval");
        assertTrue(second.logText().contains(") shutdown in "), "no graceful Camel shutdown:\n" + second.tail(30));
    }
}
