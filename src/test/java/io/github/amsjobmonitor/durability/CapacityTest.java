package io.github.amsjobmonitor.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.intake.IntakeCapacityPolicy;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.health.HealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * monitor.tracking.max-jobs against a real broker: more job IDs than one instance may track all reach
 * their final event, none is dead-lettered, and the tracked count never exceeds the cap. With two
 * instances, the one that takes IDs in is not the one that is full: the full one leaves the jobs it has
 * no room for on the tracking topic until its own jobs end.
 * <p>
 * The jobs change state only when the test moves the simulator's {@link ManualClock}: until then every
 * job stays Queued, so the cap is reached and held for as long as the test looks.
 */
class CapacityTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final int PARTITIONS = 3;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final LocalKafkaBroker broker = SharedKafka.broker();
    private final ManualClock clock = ManualClock.startingNow();
    private final Topics topics = Topics.unique();
    private AmsSimulator simulator;
    private KafkaTestClient kafka;

    @BeforeEach
    void startSimulatorAndClient() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        cleanup.add(simulator);
        kafka = new KafkaTestClient(broker.bootstrapServers());
        cleanup.add(kafka);
    }

    @AfterEach
    void stopEverything() {
        sampler.shutdownNow();
        List<AutoCloseable> reversed = new ArrayList<>(cleanup);
        Collections.reverse(reversed);
        Closing.closeAll(reversed.toArray(AutoCloseable[]::new));
    }

    private static IntakeCapacityPolicy intake(RunningMonitor monitor) {
        return monitor.context().getRegistry().lookupByNameAndType("intakeCapacity", IntakeCapacityPolicy.class);
    }

    /** The most jobs {@code monitor} tracked at once, sampled every 2 ms from now on. */
    private AtomicInteger sampleMostTracked(RunningMonitor monitor) {
        AtomicInteger most = new AtomicInteger();
        sampler.scheduleAtFixedRate(() -> most.accumulateAndGet(monitor.schedule().size(), Math::max), 0, 2, TimeUnit.MILLISECONDS);
        return most;
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> keys = new HashSet<>();
        records.forEach(r -> keys.add(r.key()));
        return keys;
    }

    /**
     * The jobs of {@code ids} whose final event reached job-finished, waiting until all have. A job that
     * waited may be checked with an older record of it and publish its final event twice (same ce_id;
     * design.md, "Capacity with several instances"): jobs are counted, not records.
     */
    private Set<String> finishedJobs(List<String> ids) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        return keys(kafka.consume(topics.finished(), r -> ids.contains(r.key()) && seen.add(r.key()), ids.size(), WAIT.multipliedBy(2)));
    }

    @Test
    void should_take_60_jobs_through_an_instance_capped_at_20_pausing_intake_and_losing_none() throws Exception {
        int cap = 20;
        int jobs = 60;
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.tracking.max-jobs", String.valueOf(cap));
        // a few IDs per intake batch, so that most of them wait on job-ids while intake is paused
        settings.put("monitor.intake.max-batch", "5");
        RunningMonitor monitor = RunningMonitor.start(settings, topics);
        cleanup.add(monitor);
        AtomicInteger mostTracked = sampleMostTracked(monitor);
        AtomicBoolean pausedSeen = new AtomicBoolean();
        sampler.scheduleAtFixedRate(() -> pausedSeen.compareAndSet(false, intake(monitor).paused()), 0, 2, TimeUnit.MILLISECONDS);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            String id = SimulatedJob.randomId();
            simulator.register(id, "capped " + i, JobScenario.FINISH, STEP);
            ids.add(id);
            kafka.send(topics.jobIds(), null, id);
        }

        // full: intake paused, and the IDs it has not taken in are still on job-ids, uncommitted
        TopicWatcher.awaitOrFail(WAIT, () -> monitor.schedule().size() == cap && intake(monitor).paused(),
                () -> monitor.schedule().size() + " jobs tracked, intake paused: " + intake(monitor).paused());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(settings.get("monitor.group-id"))
                    .partitionsToOffsetAndMetadata().get().get(new TopicPartition(topics.jobIds(), 0));
            assertTrue(committed == null || committed.offset() < jobs,
                    "job IDs wait on their topic, not committed: committed offset " + committed);
        }
        HealthCheck capacity = monitor.context().getRegistry().lookupByNameAndType("capacityHealthCheck", HealthCheck.class);
        HealthCheck.Result health = capacity.call();
        assertEquals(HealthCheck.State.UP, health.getState(), "a full instance is not a broken one");
        assertTrue(health.getMessage().orElse("").startsWith("intake paused"), health.getMessage().orElse(""));
        var readiness = org.apache.camel.health.HealthCheckHelper.invokeReadiness(monitor.context());
        List<String> checked = readiness.stream().map(r -> r.getCheck().getId()).toList();
        assertTrue(checked.containsAll(List.of("route:intake", "consumer:intake", "capacity")), checked.toString());
        List<String> notReady = readiness.stream()
                .filter(r -> r.getState() != HealthCheck.State.UP).map(r -> r.getCheck().getId() + " " + r.getState()).toList();
        assertEquals(List.of(), notReady, "readiness stays UP while intake is paused, its route and its Kafka consumer included");

        // the jobs end: room frees, intake resumes, and every job reaches its final event
        clock.advance(STEP.multipliedBy(4));
        assertEquals(Set.copyOf(ids), finishedJobs(ids), "every job reached its final event");
        assertTrue(mostTracked.get() <= cap, "tracked at most " + cap + " jobs at once, saw " + mostTracked.get());
        assertEquals(cap, mostTracked.get());
        assertTrue(pausedSeen.get());
        assertTrue(intake(monitor).pauses() >= 1);
        TopicWatcher.awaitOrFail(WAIT, () -> !intake(monitor).paused(), () -> "intake still paused");
        assertEquals(0, kafka.readAll(topics.deadLetter()).size(), "nothing dead-lettered");
    }

    @Test
    void should_leave_jobs_on_the_tracking_topic_for_a_full_instance_while_another_takes_ids_in() throws Exception {
        int smallCap = 3;
        Map<String, String> roomy = RunningMonitor.settings(simulator, topics);
        roomy.put("monitor.tracking.partitions", String.valueOf(PARTITIONS));
        roomy.put("monitor.tracking.max-jobs", "1000");
        // the full instance: same groups, so it shares the tracking partitions, but its intake reads a topic
        // nobody writes: every job ID comes in through the roomy instance
        Map<String, String> full = new java.util.LinkedHashMap<>(roomy);
        full.put("monitor.tracking.max-jobs", String.valueOf(smallCap));
        full.put("monitor.topic.job-ids", topics.jobIds() + "-unused");
        broker.createTopics(1, topics.jobIds() + "-unused");
        RunningMonitor a = RunningMonitor.start(roomy, topics);
        cleanup.add(a);
        RunningMonitor b = RunningMonitor.start(full, topics);
        cleanup.add(b);
        TopicWatcher.awaitOrFail(WAIT, () -> !a.schedule().partitionsOwned().isEmpty() && !b.schedule().partitionsOwned().isEmpty()
                        && a.schedule().partitionsOwned().size() + b.schedule().partitionsOwned().size() == PARTITIONS
                        && a.schedule().partitionsRestoring() == 0 && b.schedule().partitionsRestoring() == 0,
                () -> "partitions: a " + a.schedule().partitionsOwned() + ", b " + b.schedule().partitionsOwned());
        List<Integer> bPartitions = b.schedule().partitionsOwned();
        AtomicInteger mostOnB = sampleMostTracked(b);

        // ten jobs whose records land in b's partitions, ten in a's
        List<String> forB = new ArrayList<>();
        List<String> forA = new ArrayList<>();
        while (forB.size() < 10 || forA.size() < 10) {
            String id = SimulatedJob.randomId();
            int partition = BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), PARTITIONS);
            List<String> side = bPartitions.contains(partition) ? forB : forA;
            if (side.size() < 10) {
                side.add(id);
                simulator.register(id, "shared", JobScenario.FINISH, STEP);
                kafka.send(topics.jobIds(), null, id);
            }
        }

        // a takes every ID in and tracks its ten; b tracks three and leaves seven on the tracking topic
        TopicWatcher.awaitOrFail(WAIT, () -> a.schedule().size() == 10 && b.schedule().size() == smallCap,
                () -> "a tracks " + a.schedule().size() + ", b tracks " + b.schedule().size());
        // the requests intake wrote (b's checks of its three jobs write records of their own beside them)
        List<ConsumerRecord<String, byte[]>> requests = kafka.consume(topics.tracking(), r -> forB.contains(r.key())
                && r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains("\"origin\":\"intake\""), 10, WAIT);
        assertEquals(Set.copyOf(forB), keys(requests), "b's jobs are all on the tracking topic, taken in by a");
        assertFalse(intake(a).paused(), "a's intake goes on: a has room");
        assertTrue(intake(b).paused(), "b is full");

        // a leaves: its partitions (and their ten jobs) go to b, which is full: their restore stops at the
        // first job that does not fit, and b stays ready, still tracking three
        cleanup.remove(a);
        a.close();
        TopicWatcher.awaitOrFail(WAIT, () -> b.schedule().partitionsOwned().size() == PARTITIONS && b.schedule().partitionsRestoring() == 0,
                () -> "b owns " + b.schedule().partitionsOwned() + ", restoring " + b.schedule().partitionsRestoring());
        assertEquals(smallCap, b.schedule().size());

        clock.advance(STEP.multipliedBy(4));
        List<String> all = new ArrayList<>(forA);
        all.addAll(forB);
        assertEquals(Set.copyOf(all), finishedJobs(all), "every job reached its final event through b, as room freed");
        assertTrue(mostOnB.get() <= smallCap, "b tracked at most " + smallCap + " jobs at once, saw " + mostOnB.get());
        assertEquals(0, kafka.readAll(topics.deadLetter()).size(), "nothing dead-lettered");
    }
}
