package io.github.amsjobmonitor.faults;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.ams.AmsBackoff;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.ApiFault;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.RecordedRequest;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.camel.health.HealthCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every AMS fault a check can meet, injected into the simulator while the monitor runs against a
 * real broker: the job is never lost, never dead-lettered for a fault that passes, and reaches its
 * final state once AMS behaves again. Jobs stay Queued (the simulator's clock stands still) until a
 * test has seen what it wants, then the clock moves them to Finished.
 */
class AmsFaultsTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HALF_OPEN_CALLS = 2;
    private static final int MAX_INVALID_ANSWERS = 4;

    private static ManualClock clock;
    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;

    @BeforeAll
    static void start() {
        clock = ManualClock.startingNow();
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        topics = Topics.unique();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        // state checks only: task reads would take injected faults too
        settings.put("monitor.progress.enabled", "false");
        settings.put("monitor.not-found.max-attempts", String.valueOf(MAX_INVALID_ANSWERS));
        settings.put("camel.component.http.response-timeout", "1500");
        settings.put("ams.retry.delay", "200");
        settings.put("ams.retry.max-delay", "800");
        settings.put("ams.backoff.initial", "200ms");
        settings.put("ams.backoff.max", "2s");
        settings.put("ams.backoff.max-wait", "5s");
        settings.put("ams.breaker.window", "10");
        settings.put("ams.breaker.minimum-calls", "5");
        settings.put("ams.breaker.open-seconds", "2");
        settings.put("ams.breaker.half-open-calls", String.valueOf(HALF_OPEN_CALLS));
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
    }

    @BeforeEach
    void forgetEarlierRequests() {
        simulator.reset();
    }

    @AfterEach
    void noFaultLeft() {
        simulator.clearFaults();
    }

    @AfterAll
    static void stop() {
        Closing.closeAll(monitor, kafka, simulator);
    }

    @Test
    void should_follow_a_301_once_and_send_later_calls_to_the_new_base() {
        String job = trackQueuedJob();
        String oldBase = path(simulator.apiUrl());
        simulator.relocateApi("/cluster-b/api/");
        try {
            Predicate<RecordedRequest> atNewBase = r -> r.pathAndQuery().startsWith("/cluster-b/api/Jobs()") && r.status() == 200;
            await("five checks at the new base", () -> since(0, atNewBase).size() >= 5);
            List<RecordedRequest> redirected = since(0, r -> r.status() == 301);
            // one (or one per consumer thread with a request in flight at the move) ...
            assertTrue(redirected.size() >= 1 && redirected.size() <= 3, "redirects: " + redirected);
            assertTrue(redirected.get(0).pathAndQuery().startsWith(oldBase + "Jobs()"));
            // ... then the new base directly: no redirect per request
            await("ten more checks at the new base", () -> since(0, atNewBase).size() >= 15);
            assertEquals(redirected.size(), since(0, r -> r.status() == 301).size(), "no redirect per request");
            finish(job);
        } finally {
            simulator.relocateApi(oldBase);
        }
    }

    @Test
    void should_renew_the_token_once_on_401_and_treat_a_persisting_401_as_an_auth_outage() {
        String job = trackQueuedJob();
        int issued = simulator.issuedTokenCount();
        simulator.invalidateTokens();
        await("a check with the new token", () -> okAfterFirst401() >= 2);
        assertEquals(1, since(0, r -> r.status() == 401).size(), "one refusal, then the new token served");
        assertEquals(issued + 1, simulator.issuedTokenCount(), "exactly one new token");

        // refused even with a fresh token: the job waits, tracked, without a token request per check
        simulator.injectFault(ApiFault.of(ApiFault.Kind.UNAUTHORIZED), -1);
        int refusedBefore = checkRecords(job);
        await("three checks refused", () -> checkRecords(job) >= refusedBefore + 3);
        assertTrue(simulator.issuedTokenCount() <= issued + 2, "at most one renewal in 30 s: " + simulator.issuedTokenCount());
        assertNoDeadLetter(job);
        simulator.clearFaults();
        finish(job);
    }

    @Test
    void should_send_no_request_before_retry_after_and_finish_the_job() {
        String job = trackQueuedJob();
        simulator.throttleNextApiRequests(503, Duration.ofSeconds(2), 1);
        await("the 503", () -> !since(0, r -> r.status() == 503).isEmpty());
        long throttledAt = System.nanoTime();
        int afterThrottle = simulator.recordedRequests().size();
        await("the next request", () -> simulator.recordedRequests().size() > afterThrottle);
        long waitedMillis = Duration.ofNanos(System.nanoTime() - throttledAt).toMillis();
        // measured from when the test saw the 503, so a little less than the true wait
        assertTrue(waitedMillis >= 1500, "next request " + waitedMillis + " ms after a Retry-After of 2 s");
        finish(job);
        assertNoDeadLetter(job);
    }

    @Test
    void should_back_off_on_429_without_retry_after_and_finish_the_job() {
        String job = trackQueuedJob();
        Instant start = Instant.now();
        simulator.failNextApiRequests(429, 3);
        await("three 429s answered", () -> !simulator.faultsPending());
        AmsBackoff backoff = monitor.context().getRegistry().lookupByNameAndType("amsBackoff", AmsBackoff.class);
        assertTrue(backoff.pausedUntil().isAfter(start), "every AMS call paused");
        finish(job);
        assertNoDeadLetter(job);
    }

    @Test
    void should_open_the_breaker_under_a_dead_api_and_resume_every_job_after_recovery() {
        List<String> jobs = List.of(trackQueuedJob(), trackQueuedJob(), trackQueuedJob());
        simulator.injectFault(ApiFault.status(500), -1);
        await("the breaker open", () -> "OPEN".equals(breakerState()));
        // health shows it: ams-api is DOWN while the breaker is open
        assertEquals(HealthCheck.State.DOWN, amsHealth().getState());
        assertEquals("OPEN", amsHealth().getDetails().get("circuit.state"));
        int requestsBefore = simulator.recordedRequests().size();
        int checksBefore = jobs.stream().mapToInt(AmsFaultsTest::checkRecords).sum();
        // while open, checks go on at their interval (each one "check again later") without requests
        await("twelve checks while open", () -> jobs.stream().mapToInt(AmsFaultsTest::checkRecords).sum() >= checksBefore + 12);
        int requestsWhileOpen = simulator.recordedRequests().size() - requestsBefore;
        assertTrue(requestsWhileOpen <= 2 * HALF_OPEN_CALLS, requestsWhileOpen + " requests to a dead API while the breaker was open");

        simulator.clearFaults();
        for (String job : jobs) {
            finish(job);
            assertNoDeadLetter(job);
        }
        // the three jobs were checked in one request each time: a job still tracked keeps the requests
        // coming that let the half-open breaker close
        String stillTracked = trackQueuedJob();
        await("the breaker closed", () -> "CLOSED".equals(breakerState()));
        await("ams-api UP again", () -> amsHealth().getState() == HealthCheck.State.UP);
        finish(stillTracked);
    }

    private static HealthCheck.Result amsHealth() {
        return monitor.context().getRegistry().lookupByNameAndType("amsApiHealthCheck", HealthCheck.class).call();
    }

    @Test
    void should_time_out_a_slow_answer_retry_and_finish_the_job() {
        String job = trackQueuedJob();
        long injectedAt = System.nanoTime();
        simulator.injectFault(ApiFault.slow(Duration.ofSeconds(30)), 1);
        await("a good answer after the slow one", () -> !simulator.faultsPending()
                && since(0, r -> r.status() == 200 && r.pathAndQuery().contains("Jobs()")).size() >= 2);
        long tookMillis = Duration.ofNanos(System.nanoTime() - injectedAt).toMillis();
        assertTrue(tookMillis < 20_000, "the monitor waited " + tookMillis + " ms for an answer due after 30 s");
        finish(job);
        assertNoDeadLetter(job);
    }

    @Test
    void should_keep_the_job_tracked_while_connections_are_refused() {
        String job = trackQueuedJob();
        int checks = checkRecords(job);
        simulator.refuseConnectionsFor(Duration.ofSeconds(3));
        await("checks while AMS is unreachable", () -> checkRecords(job) >= checks + 3);
        finish(job);
        assertNoDeadLetter(job);
    }

    @ParameterizedTest
    @EnumSource(value = ApiFault.Kind.class, names = {"NOT_JSON", "VERBOSE", "NO_STATE", "OVERSIZED"})
    void should_keep_a_job_tracked_through_unreadable_answers_and_finish_it(ApiFault.Kind kind) {
        String job = trackQueuedJob();
        simulator.injectFault(ApiFault.of(kind), 2);
        // the tracking record counts the unreadable answers in a row
        await("two unreadable answers counted", () -> kafka.consume(topics.tracking(),
                r -> job.equals(r.key()) && r.value() != null && json(r.value()).path("invalidAnswers").asInt() == 2, 1, WAIT).size() == 1);
        finish(job);
        assertNoDeadLetter(job);
        assertEquals(List.of("Queued", "Finished"), states(job));
    }

    @Test
    void should_keep_checking_a_job_whose_state_ams_reports_as_unknown() {
        String job = trackQueuedJob();
        simulator.injectFault(ApiFault.of(ApiFault.Kind.UNKNOWN_STATE), 2);
        await("two answers with State 42", () -> !simulator.faultsPending());
        int checks = checkRecords(job);
        await("checked again", () -> checkRecords(job) > checks);
        finish(job);
        assertNoDeadLetter(job);
        assertEquals(List.of("Queued", "Finished"), states(job), "no event for a state the monitor does not know");
    }

    @ParameterizedTest
    @EnumSource(value = ApiFault.Kind.class, names = {"VERBOSE", "NO_STATE"})
    void should_dead_letter_a_job_whose_answers_stay_unreadable(ApiFault.Kind kind) {
        String job = SimulatedJob.randomId();
        simulator.register(job, "unreadable", JobScenario.FINISH, STEP);
        simulator.injectFault(ApiFault.of(kind), -1);
        String input = "{\"jobId\":\"" + job + "\"}";
        kafka.send(topics.jobIds(), null, input);

        List<ConsumerRecord<String, byte[]>> dead = kafka.consume(topics.deadLetter(), r -> job.equals(r.key()), 1, WAIT);
        assertEquals(1, dead.size(), "dead-lettered");
        assertEquals("AMS_ANSWER_INVALID", header(dead.get(0), "monitor-error-code"));
        assertTrue(header(dead.get(0), "monitor-error-reason").contains(String.valueOf(MAX_INVALID_ANSWERS)),
                header(dead.get(0), "monitor-error-reason"));
        // only what events need is kept: the request is rebuilt, here {"jobId":...} without correlationData is its job ID
        assertArrayEquals(job.getBytes(StandardCharsets.UTF_8), dead.get(0).value());
        assertTrue(states(job).isEmpty());
    }

    @Test
    void should_dead_letter_a_job_whose_answers_stay_larger_than_ams_max_answer_size() {
        String job = SimulatedJob.randomId();
        simulator.register(job, "oversized", JobScenario.FINISH, STEP);
        simulator.injectFault(ApiFault.of(ApiFault.Kind.OVERSIZED), -1);
        kafka.send(topics.jobIds(), null, job);

        List<ConsumerRecord<String, byte[]>> dead = kafka.consume(topics.deadLetter(), r -> job.equals(r.key()), 1, WAIT);
        assertEquals(1, dead.size(), "dead-lettered");
        assertEquals("AMS_ANSWER_INVALID", header(dead.get(0), "monitor-error-code"));
        String reason = header(dead.get(0), "monitor-error-reason");
        assertTrue(reason.contains("ams.max-answer-size allows (4194304 bytes)"), reason);
        assertTrue(states(job).isEmpty());
    }

    // --- helpers ---

    /** A new job, taken in and seen Queued. */
    private static String trackQueuedJob() {
        String job = SimulatedJob.randomId();
        simulator.register(job, "meets a fault", JobScenario.FINISH, STEP);
        kafka.send(topics.jobIds(), null, job);
        awaitState(job, "Queued");
        return job;
    }

    /** Moves the simulator's clock past the job's last step and waits for its Finished event. */
    private static void finish(String job) {
        clock.advance(STEP.multipliedBy(3));
        awaitState(job, "Finished");
        assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size());
    }

    private static void awaitState(String job, String state) {
        List<ConsumerRecord<String, byte[]>> seen = kafka.consume(topics.jobStatus(),
                r -> job.equals(r.key()) && state.equals(json(r.value()).path("state").asText()), 1, WAIT);
        assertEquals(1, seen.size(), "no " + state + " event for " + job + " within " + WAIT);
    }

    private static List<String> states(String job) {
        return kafka.readAll(topics.jobStatus()).stream().filter(r -> job.equals(r.key()))
                .map(r -> json(r.value()).path("state").asText()).toList();
    }

    /** How many checks of the job have ended (answered or failed) in the monitor. */
    private static int checkRecords(String job) {
        return monitor.schedule().checksOf(job);
    }

    private static void assertNoDeadLetter(String job) {
        assertFalse(kafka.readAll(topics.deadLetter()).stream().anyMatch(r -> job.equals(r.key())), job + " dead-lettered");
    }

    private static String breakerState() {
        return monitor.context().getRegistry().lookupByNameAndType("amsBreaker", CircuitBreaker.class).getState().name();
    }

    /** Answered Jobs() queries after the first 401 of this test. */
    private static int okAfterFirst401() {
        List<RecordedRequest> all = simulator.recordedRequests();
        int first = all.stream().filter(r -> r.status() == 401).findFirst().map(all::indexOf).orElse(all.size());
        return (int) all.subList(first, all.size()).stream()
                .filter(r -> r.status() == 200 && r.pathAndQuery().contains("Jobs()")).count();
    }

    /** Requests of this test (counters are reset before each) after the first {@code skip}. */
    private static List<RecordedRequest> since(int skip, Predicate<RecordedRequest> filter) {
        List<RecordedRequest> all = simulator.recordedRequests();
        return all.subList(Math.min(skip, all.size()), all.size()).stream().filter(filter).toList();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String path(String url) {
        return java.net.URI.create(url).getPath();
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
