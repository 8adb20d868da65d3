package io.github.amsjobmonitor.simulator;

import static io.github.amsjobmonitor.simulator.JobState.*;
import static io.github.amsjobmonitor.simulator.SimulatorHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorTasksApiTest {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final String JOB = "nb:jid:UUID:1f6d2a4e-0b5c-4a8e-9d3f-7c2b1a0e9f81";
    private static final String UNKNOWN = "nb:jid:UUID:00000000-0000-0000-0000-000000000000";

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
    void should_answer_tasks_in_the_ams_shape() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);
        clock.advance(Duration.ofSeconds(25)); // Processing since 14:00:20

        HttpResponse<String> response = http.tasks(JOB);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = json(response);
        assertEquals(simulator.apiUrl() + "$metadata#Tasks", body.get("odata.metadata").asText());
        assertEquals(2, body.get("value").size());
        JsonNode task = body.get("value").get(0);
        assertEquals(List.of("Id", "Configuration", "EndTime", "ErrorDetails", "HistoricalEvents", "MediaProcessorId",
                "Name", "PerfMessage", "Priority", "Progress", "RunningDuration", "StartTime", "State", "TaskBody",
                "Options", "EncryptionKeyId", "EncryptionScheme", "EncryptionVersion", "InitializationVector"),
                fieldNames(task));
        assertTrue(task.get("Id").asText().matches("nb:tid:UUID:[0-9a-f-]{36}"), task.get("Id").asText());
        assertNotEquals(task.get("Id"), body.get("value").get(1).get("Id"));
        assertEquals(task.get("Id"), json(http.tasks(JOB)).get("value").get(0).get("Id"));
        assertEquals("Encode", task.get("Name").asText());
        assertEquals(PROCESSING.code(), task.get("State").asInt());
        assertEquals("2026-11-26T14:00:20.000", task.get("StartTime").asText());
        assertTrue(task.get("EndTime").isNull());
        assertEquals(5000.0, task.get("RunningDuration").asDouble());
        assertEquals(0, task.get("ErrorDetails").size());
        assertEquals(0, task.get("HistoricalEvents").size());
        assertTrue(task.get("PerfMessage").isNull());
        assertTrue(task.get("MediaProcessorId").asText().startsWith("nb:mpid:UUID:"));
        assertTrue(task.get("TaskBody").asText().startsWith("<?xml"));
        assertTrue(task.get("Progress").isDouble());
    }

    @Test
    void should_raise_progress_through_processing_without_going_from_0_to_100() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);
        assertEquals(List.of(0.0, 0.0), progress());
        assertEquals(List.of(QUEUED.code(), QUEUED.code()), states());
        clock.advance(STEP);
        assertEquals(List.of(SCHEDULED.code(), SCHEDULED.code()), states());
        clock.advance(STEP);

        // Processing from here for one STEP: the first task starts at 2.5, the second one 1 s later
        assertEquals(List.of(2.5, 0.0), progress());
        assertEquals(List.of(PROCESSING.code(), SCHEDULED.code()), states());
        List<Double> first = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<Double> now = progress();
            first.add(now.get(0));
            second.add(now.get(1));
            clock.advance(STEP.dividedBy(20));
        }
        assertNonDecreasing(first);
        assertNonDecreasing(second);
        assertEquals(2.5, first.get(0));
        assertEquals(91.09, first.get(15)); // 7.5 s: on its way to 97.0 at 8 s, when it finishes
        assertEquals(100.0, first.get(16));
        assertEquals(List.of(0.0, 0.0, 0.0), second.subList(0, 3)); // starts at 1 s, from 0
        assertEquals(94.44, second.get(19)); // 9.5 s: on its way to 100 at 10 s
        // at 9.5 s of 10 the first task is done, the second one still runs
        clock.advance(STEP.dividedBy(20).negated());
        assertEquals(List.of(FINISHED.code(), PROCESSING.code()), states());
        assertEquals(100.0, progress().get(0));
    }

    @Test
    void should_show_every_task_finished_at_100_when_the_job_finishes() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);
        clock.advance(Duration.ofHours(1));

        List<TaskEntity> tasks = simulator.currentTasks(JOB).orElseThrow();
        assertEquals(List.of(100.0, 100.0), tasks.stream().map(TaskEntity::progress).toList());
        assertEquals(List.of(FINISHED.code(), FINISHED.code()), tasks.stream().map(TaskEntity::state).toList());
        assertEquals("2026-11-26T14:00:28.000", tasks.get(0).endTime()); // finished before the job
        assertEquals("2026-11-26T14:00:30.000", tasks.get(1).endTime());
        assertEquals(simulator.currentJob(JOB).orElseThrow().endTime(), tasks.get(1).endTime());
        assertEquals(9000.0, tasks.get(1).runningDuration());
    }

    @Test
    void should_freeze_the_failing_task_and_give_its_error_details() {
        simulator.register(JOB, "encode", JobScenario.ERROR, STEP);
        clock.advance(STEP.plusSeconds(5));
        assertEquals(List.of(21.5, 100.0), progress()); // the thumbnails are done half way
        clock.advance(Duration.ofSeconds(5));

        JsonNode tasks = json(http.tasks(JOB)).get("value");
        assertEquals(ERROR.code(), simulator.currentJob(JOB).orElseThrow().state());
        assertEquals(ERROR.code(), tasks.get(0).get("State").asInt());
        assertEquals(41.5, tasks.get(0).get("Progress").asDouble());
        assertEquals(1, tasks.get(0).get("ErrorDetails").size());
        assertEquals("ErrorProcessingTask", tasks.get(0).at("/ErrorDetails/0/Code").asText());
        assertFalse(tasks.get(0).at("/ErrorDetails/0/Message").asText().isBlank());
        assertEquals(FINISHED.code(), tasks.get(1).get("State").asInt());
        assertEquals(0, tasks.get(1).get("ErrorDetails").size());
        clock.advance(Duration.ofHours(1));
        assertEquals(List.of(41.5, 100.0), progress());
    }

    @Test
    void should_freeze_progress_when_canceled() {
        simulator.register(JOB, "encode", JobScenario.CANCEL, STEP);
        clock.advance(STEP.plus(STEP.dividedBy(2)));
        assertEquals(List.of(31.25), progress());
        clock.advance(STEP);
        assertEquals(List.of(CANCELING.code()), states());
        assertEquals(List.of(62.5), progress());
        clock.advance(Duration.ofHours(1));
        assertEquals(List.of(CANCELED.code()), states());
        assertEquals(List.of(62.5), progress());
        assertTrue(simulator.currentTasks(JOB).orElseThrow().get(0).errorDetails().isEmpty());
    }

    @Test
    void should_stall_a_long_running_job() {
        simulator.register(JOB, "encode", JobScenario.LONG_RUNNING, STEP);
        clock.advance(STEP.plusSeconds(5));
        assertEquals(List.of(17.5), progress());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(35.0), progress());
        clock.advance(Duration.ofDays(1));
        assertEquals(List.of(35.0), progress());
        assertEquals(List.of(PROCESSING.code()), states());
        assertEquals(Duration.ofDays(1).plusSeconds(10).toMillis(),
                simulator.currentTasks(JOB).orElseThrow().get(0).runningDuration());
    }

    @Test
    void should_give_explicit_steps_one_task_from_0_to_90() {
        simulator.register(JOB, "custom", List.of(ScenarioStep.of(QUEUED, Duration.ofSeconds(1)),
                ScenarioStep.of(PROCESSING, Duration.ofSeconds(40)), ScenarioStep.of(ERROR, Duration.ZERO)));
        clock.advance(Duration.ofSeconds(11));
        assertEquals(List.of(22.5), progress());
        clock.advance(Duration.ofSeconds(30));

        TaskEntity task = simulator.currentTasks(JOB).orElseThrow().get(0);
        assertEquals(ERROR.code(), task.state());
        assertEquals(90.0, task.progress()); // frozen where the Processing step left it
        assertEquals(1, task.errorDetails().size());
    }

    @Test
    void should_pin_progress_until_cleared() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);
        clock.advance(STEP.multipliedBy(2).plusSeconds(5));

        simulator.setProgress(JOB, 12.5, 80.0);
        assertEquals(List.of(12.5, 80.0), progress());
        assertEquals(List.of(PROCESSING.code(), PROCESSING.code()), states());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(List.of(12.5, 80.0), progress());
        simulator.clearProgress(JOB);
        assertEquals(List.of(85.19, 66.67), progress());

        assertThrows(IllegalArgumentException.class, () -> simulator.setProgress(JOB, 50.0));
        assertThrows(IllegalArgumentException.class, () -> simulator.setProgress(JOB, 50.0, 100.5));
        assertThrows(IllegalArgumentException.class, () -> simulator.setProgress(UNKNOWN, 50.0));
    }

    @Test
    void should_answer_404_for_an_unknown_or_not_yet_visible_job() {
        simulator.registerLate(JOB, "late", JobScenario.FINISH, STEP, Duration.ofSeconds(30));

        for (String jobId : List.of(UNKNOWN, JOB)) {
            HttpResponse<String> response = http.tasks(jobId);
            assertEquals(404, response.statusCode());
            assertEquals("{\"odata.error\":{\"code\":\"\",\"message\":{\"lang\":\"en-US\","
                    + "\"value\":\"Resource not found for the segment 'Jobs'.\"}}}", response.body());
        }
        clock.advance(Duration.ofSeconds(30));
        assertEquals(200, http.tasks(JOB).statusCode());
    }

    @Test
    void should_answer_401_without_a_valid_token() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);
        HttpRequest request = http.tasksRequest(JOB).build();
        HttpRequest.Builder withoutToken = HttpRequest.newBuilder(request.uri());
        request.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Authorization")) {
                values.forEach(value -> withoutToken.header(name, value));
            }
        });

        HttpResponse<String> response = http.send(withoutToken.build());
        assertEquals(401, response.statusCode());
        assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals(401, http.send(http.tasksRequest(JOB).setHeader("Authorization", "Bearer made-up").build()).statusCode());
        assertEquals(400, http.send(http.tasksRequest(JOB).setHeader("x-ms-version", "3.0").build()).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"'" + JOB + "' or '1'='1'", "'" + JOB + "'')", JOB, "\"" + JOB + "\"", "''", "",
            "'nb:jid:UUID:not-a-uuid'", "'" + JOB + "x'"})
    void should_answer_400_to_a_bad_job_id(String key) {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);

        HttpResponse<String> response = http.send(http.apiRequest("Jobs(" + SimulatorHttp.encode(key) + ")/Tasks").build());

        assertEquals(400, response.statusCode(), key);
        assertEquals("Bad Request - Error in query syntax.", json(response).at("/odata.error/message/value").asText());
    }

    @Test
    void should_accept_the_path_quoted_or_percent_encoded() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);
        String encoded = "Jobs(%27" + JOB.replace(":", "%3A") + "%27)/Tasks";

        HttpResponse<String> plain = http.send(http.apiRequest("Jobs('" + JOB + "')/Tasks").build());
        HttpResponse<String> percent = http.send(http.apiRequest(encoded).build());
        HttpResponse<String> withParens = http.send(http.apiRequest("Jobs('" + JOB + "')/Tasks()").build());

        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals(plain.body(), percent.body());
        assertEquals(plain.body(), withParens.body());
        assertEquals("Jobs(" + SimulatorHttp.encode("'" + JOB + "'") + ")/Tasks", encoded);
    }

    @Test
    void should_count_record_and_fail_task_requests_like_job_queries() {
        simulator.register(JOB, "encode", JobScenario.FINISH, STEP);
        simulator.failNextApiRequests(503, 1);

        assertEquals(503, http.tasks(JOB).statusCode());
        assertEquals(200, http.tasks(JOB).statusCode());
        assertEquals(404, http.tasks(UNKNOWN).statusCode());
        http.jobs(null);

        assertEquals(3, simulator.tasksRequestCount());
        assertEquals(1, simulator.jobsRequestCount());
        RecordedRequest recorded = simulator.recordedRequests().stream()
                .filter(request -> request.pathAndQuery().contains("/Tasks")).findFirst().orElseThrow();
        assertEquals("/api/Jobs(%27" + JOB.replace(":", "%3A") + "%27)/Tasks", recorded.pathAndQuery());
        assertEquals("Bearer ***", recorded.header("Authorization"));
        assertEquals(503, recorded.status());
        simulator.reset();
        assertEquals(0, simulator.tasksRequestCount());
    }

    private List<Double> progress() {
        List<Double> progress = new ArrayList<>();
        json(http.tasks(JOB)).get("value").forEach(task -> progress.add(task.get("Progress").asDouble()));
        return progress;
    }

    private List<Integer> states() {
        return simulator.currentTasks(JOB).orElseThrow().stream().map(TaskEntity::state).toList();
    }

    private static void assertNonDecreasing(List<Double> values) {
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i) >= values.get(i - 1), values.toString());
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
