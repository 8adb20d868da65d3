package io.github.amsjobmonitor.simulator;

import static io.github.amsjobmonitor.simulator.JobState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatorScenarioTest {

    private static final Duration STEP = Duration.ofSeconds(5);
    private static final String JOB = "nb:jid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f81";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T14:00:00Z"));
    private AmsSimulator simulator;
    private SimulatorHttp http;

    @BeforeEach
    void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults(), clock).start();
        http = new SimulatorHttp(simulator);
    }

    @AfterEach
    void stop() {
        simulator.stop();
    }

    @Test
    void should_walk_a_finishing_job_through_its_states_over_http() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);

        JsonNode queued = fetch();
        assertEquals(QUEUED.code(), queued.get("State").asInt());
        clock.advance(STEP);
        JsonNode scheduled = fetch();
        assertEquals(SCHEDULED.code(), scheduled.get("State").asInt());
        assertEquals("2026-11-26T14:00:05.000", scheduled.get("LastModified").asText());
        assertTrue(scheduled.get("StartTime").isNull());
        clock.advance(STEP.plusSeconds(2));
        JsonNode processing = fetch();
        assertEquals(PROCESSING.code(), processing.get("State").asInt());
        assertEquals("2026-11-26T14:00:10.000", processing.get("StartTime").asText());
        assertEquals(2000.0, processing.get("RunningDuration").asDouble());
        assertTrue(processing.get("EndTime").isNull());
        clock.advance(Duration.ofHours(1));
        JsonNode finished = fetch();
        assertEquals(FINISHED.code(), finished.get("State").asInt());
        assertEquals("2026-11-26T14:00:15.000", finished.get("EndTime").asText());
        assertEquals("2026-11-26T14:00:15.000", finished.get("LastModified").asText());
        assertEquals("2026-11-26T14:00:00.000", finished.get("Created").asText());
        assertEquals(5000.0, finished.get("RunningDuration").asDouble());
    }

    @Test
    void should_follow_each_scenario() {
        assertEquals(List.of(QUEUED, PROCESSING, ERROR, ERROR), statesOver(JobScenario.ERROR, 4));
        assertEquals(List.of(QUEUED, PROCESSING, CANCELING, CANCELED, CANCELED), statesOver(JobScenario.CANCEL, 5));
        assertEquals(List.of(QUEUED, PROCESSING, PROCESSING, PROCESSING), statesOver(JobScenario.LONG_RUNNING, 4));
    }

    @Test
    void should_follow_explicit_steps() {
        simulator.register(JOB, "custom", List.of(ScenarioStep.of(QUEUED, Duration.ofSeconds(1)),
                ScenarioStep.of(PROCESSING, Duration.ofSeconds(30)), ScenarioStep.of(CANCELED, Duration.ZERO)));

        clock.advance(Duration.ofSeconds(30));
        assertEquals(PROCESSING.code(), simulator.currentJob(JOB).orElseThrow().state());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(CANCELED.code(), simulator.currentJob(JOB).orElseThrow().state());
        assertEquals(30000.0, simulator.currentJob(JOB).orElseThrow().runningDuration());
    }

    @Test
    void should_keep_a_late_job_unknown_until_it_appears() {
        simulator.registerLate(JOB, "late", JobScenario.FINISH, STEP, Duration.ofSeconds(20));

        assertEquals(0, json().get("value").size());
        clock.advance(Duration.ofSeconds(20));
        JsonNode job = fetch();
        assertEquals(QUEUED.code(), job.get("State").asInt());
        assertEquals("2026-11-26T14:00:20.000", job.get("Created").asText());
    }

    @Test
    void should_reject_a_final_state_before_the_last_step() {
        List<ScenarioStep> steps = List.of(ScenarioStep.of(FINISHED, STEP), ScenarioStep.of(PROCESSING, STEP));
        assertThrows(IllegalArgumentException.class, () -> simulator.register(JOB, "bad", steps));
        assertThrows(IllegalArgumentException.class,
                () -> simulator.register("nb:jid:UUID:x' or ''='", "bad", JobScenario.FINISH, STEP));
    }

    @Test
    void should_register_random_jobs() {
        String jobId = simulator.registerRandom(JobScenario.FINISH, STEP);

        assertTrue(SimulatedJob.ID_PATTERN.matcher(jobId).matches());
        assertEquals(QUEUED.code(), simulator.currentJob(jobId).orElseThrow().state());
        assertNull(simulator.currentJob(SimulatedJob.randomId()).orElse(null));
    }

    private List<JobState> statesOver(JobScenario scenario, int steps) {
        String jobId = simulator.registerRandom(scenario, STEP);
        Instant start = clock.instant();
        List<JobState> seen = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            int code = simulator.currentJob(jobId).orElseThrow().state();
            seen.add(JobState.values()[code]);
            clock.advance(STEP);
        }
        clock.set(start);
        return seen;
    }

    private JsonNode json() {
        return SimulatorHttp.json(http.jobs(SimulatorHttp.filterQuery("Id eq '" + JOB + "'") + "&$top=1"));
    }

    private JsonNode fetch() {
        return json().get("value").get(0);
    }
}
