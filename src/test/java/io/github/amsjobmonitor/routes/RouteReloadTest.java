package io.github.amsjobmonitor.routes;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RouteFolder;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A valid edit of a route file goes live while jobs are tracked: every route is swapped without a
 * restart, no job is lost (a job sent during the swap too), none gets an event twice, and none is
 * checked twice in a row (two checks of one job are always a poll interval apart).
 */
class RouteReloadTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * For an event: a check in flight when a loaded machine forces the swap's shutdown (past
     * camel.main.shutdown-timeout) is cut off, and its job is handed back due one poll interval later
     * (tracking/CutOffChecks), well within this wait; not the schedule's stuck reclaim (about 2 min).
     */
    private static final Duration EVENT_WAIT = WAIT;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EARLY = SimulatedJob.randomId();
    private static final String DURING_SWAP = SimulatedJob.randomId();

    private record Check(String jobId, Instant at) {
    }

    private static final Queue<Check> CHECKS = new ConcurrentLinkedQueue<>();
    private static final List<String> STATES = JobScenario.FINISH.states().stream().map(s -> s.displayName()).toList();

    private static ManualClock clock;
    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;
    private static RouteFolder routes;
    private static String teamTopic;
    private static List<String> routeIdsBefore;
    private static Instant swapped;

    @BeforeAll
    static void editARouteWhileTwoJobsAreTracked() {
        clock = ManualClock.startingNow();
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        // the real time of each check: the simulator's own clock stands still between steps
        simulator.onJobsQuery((ids, at) -> ids.forEach(id -> CHECKS.add(new Check(id, Instant.now()))));
        simulator.register(EARLY, "tracked before the edit", JobScenario.FINISH, STEP);
        simulator.register(DURING_SWAP, "sent during the swap", JobScenario.FINISH, STEP);

        topics = Topics.unique();
        teamTopic = topics.jobStatus() + "-team";
        SharedKafka.broker().createTopics(1, teamTopic);
        routes = RouteFolder.copyOfShippedRoutes();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        routes.useIn(settings);
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
        routeIdsBefore = routeIds();

        kafka.send(topics.jobIds(), null, EARLY);
        awaitStatus(EARLY, "Queued");

        // an operator adds a team's topic to the state changes; a job arrives as the routes swap
        routes.replace("publish-status.camel.yaml", "              valueSerializer: io.cloudevents.kafka.CloudEventSerializer\n",
                "              valueSerializer: io.cloudevents.kafka.CloudEventSerializer\n"
                        + "        # the media team's own copy\n"
                        + "        - to:\n"
                        + "            id: to-team-topic\n"
                        + "            uri: kafka\n"
                        + "            parameters:\n"
                        + "              topic: " + teamTopic + "\n"
                        + "              valueSerializer: io.cloudevents.kafka.CloudEventSerializer\n");
        await("the swap under way", () -> monitor.context().getRouteController().getRouteStatus("intake") != ServiceStatus.Started);
        kafka.send(topics.jobIds(), null, DURING_SWAP);
        await("the edit applied", () -> status().appliedCount() == 1);
        swapped = Instant.now();

        awaitStatus(DURING_SWAP, "Queued");
        for (String state : STATES.subList(1, STATES.size())) {
            clock.advance(STEP);
            awaitStatus(EARLY, state);
            awaitStatus(DURING_SWAP, state);
        }
    }

    @AfterAll
    static void stop() {
        Closing.closeAll(monitor, kafka, simulator);
    }

    @Test
    void should_keep_the_monitor_series_across_the_swap() {
        // Camel clears its metrics on a reload unless told not to (camel.metrics.clear-on-reload)
        MeterRegistry registry = monitor.context().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        assertNotNull(registry.find("monitor.jobs.tracked").gauge(), "monitor_jobs_tracked after the swap");
        assertNotNull(registry.find("monitor.token.requests").functionCounter(), "monitor_token_requests_total after the swap");
        Timer amsRequests = registry.find("monitor.ams.request").timer();
        assertNotNull(amsRequests, "monitor_ams_request_seconds after the swap");
        assertTrue(amsRequests.count() > 0, "AMS requests before and after the swap counted");
    }

    @Test
    void should_put_the_edit_live_without_a_restart() {
        List<ConsumerRecord<String, byte[]>> teamCopies = kafka.readAll(teamTopic);
        assertTrue(teamCopies.stream().anyMatch(r -> EARLY.equals(r.key()) && "Finished".equals(stateOf(r))), "no team copy of " + EARLY);
        assertTrue(teamCopies.stream().anyMatch(r -> DURING_SWAP.equals(r.key()) && "Finished".equals(stateOf(r))),
                "no team copy of " + DURING_SWAP);
        assertEquals(routeIdsBefore, routeIds());
        for (String id : routeIds()) {
            assertEquals(ServiceStatus.Started, monitor.context().getRouteController().getRouteStatus(id), id);
        }
        assertEquals(0, status().refusedCount());
    }

    @Test
    void should_lose_no_job_and_publish_each_state_once() {
        List<String> expected = List.of("null>Queued", "Queued>Scheduled", "Scheduled>Processing", "Processing>Finished");
        assertEquals(expected, transitions(EARLY));
        assertEquals(expected, transitions(DURING_SWAP));
        assertEquals(1, kafka.readAll(topics.finished()).stream().filter(r -> EARLY.equals(r.key())).count());
        assertEquals(1, kafka.readAll(topics.finished()).stream().filter(r -> DURING_SWAP.equals(r.key())).count());
    }

    @Test
    void should_never_check_a_job_twice_in_a_row_across_the_swap() {
        for (String job : List.of(EARLY, DURING_SWAP)) {
            List<Instant> times = CHECKS.stream().filter(c -> c.jobId().equals(job)).map(Check::at).sorted().toList();
            assertTrue(times.stream().anyMatch(t -> t.isAfter(swapped)), "no check of " + job + " after the swap");
            for (int i = 1; i < times.size(); i++) {
                Duration gap = Duration.between(times.get(i - 1), times.get(i));
                // a check is due one interval after the previous one started; a second chain would check sooner
                assertTrue(gap.compareTo(POLL.minusMillis(50)) >= 0,
                        job + " checked twice within " + gap.toMillis() + " ms at " + times.get(i));
            }
        }
    }

    static RouteReloadStatus status() {
        return statusOf(monitor);
    }

    static RouteReloadStatus statusOf(RunningMonitor monitor) {
        return monitor.context().getRegistry().lookupByNameAndType("routeReloadStatus", RouteReloadStatus.class);
    }

    private static List<String> routeIds() {
        return monitor.context().getRoutes().stream().map(r -> r.getRouteId()).sorted().toList();
    }

    static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void awaitStatus(String jobId, String state) {
        List<ConsumerRecord<String, byte[]>> seen = kafka.consume(topics.jobStatus(),
                r -> jobId.equals(r.key()) && state.equals(stateOf(r)), 1, EVENT_WAIT);
        assertEquals(1, seen.size(), "no " + state + " event for " + jobId + " within " + EVENT_WAIT);
    }

    private static List<String> transitions(String jobId) {
        List<String> result = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readAll(topics.jobStatus())) {
            if (jobId.equals(record.key())) {
                JsonNode event = read(record);
                result.add((event.get("previousState").isNull() ? "null" : event.get("previousState").asText()) + ">"
                        + event.get("state").asText());
            }
        }
        return result;
    }

    private static String stateOf(ConsumerRecord<String, byte[]> record) {
        return header(record, "ce_id") == null ? null : read(record).get("state").asText();
    }

    private static JsonNode read(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
