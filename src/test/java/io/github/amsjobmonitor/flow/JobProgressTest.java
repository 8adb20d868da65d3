package io.github.amsjobmonitor.flow;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Progress of processing jobs, read from their tasks: events on job-progress when progress rose by
 * the configured step, never backwards, none after the final event; error details on the final
 * Error event. The test pins each task's progress in the simulator and waits for the monitor to
 * have read it twice before moving on, so the expected events are exact.
 */
class JobProgressTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FINISHING = SimulatedJob.randomId();
    private static final String FAILING = SimulatedJob.randomId();

    private static ManualClock clock;
    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;
    private static String progressTopic;

    @BeforeAll
    static void runOneJobThroughProcessingAndOneIntoError() {
        clock = ManualClock.startingNow();
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        simulator.register(FINISHING, "finishes", JobScenario.FINISH, STEP);
        simulator.register(FAILING, "fails", JobScenario.ERROR, STEP);
        topics = Topics.unique();
        progressTopic = topics.jobStatus().replace("job-status", "job-progress");
        SharedKafka.broker().createTopics(1, progressTopic);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.topic.job-progress", progressTopic);
        settings.put("monitor.progress.step", "5");
        settings.put("monitor.progress.heartbeat", "1h");
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());

        kafka.send(topics.jobIds(), null, FINISHING);
        kafka.send(topics.jobIds(), null, "{\"jobId\":\"" + FAILING + "\",\"correlationData\":{\"order\":\"7\"}}");
        awaitState(FINISHING, "Queued");
        awaitState(FAILING, "Queued");

        // FINISH reaches Processing after two steps: pin its two tasks before it gets there
        simulator.setProgress(FINISHING, 10, 10);
        clock.advance(STEP);
        awaitState(FAILING, "Processing");
        clock.advance(STEP);
        awaitState(FINISHING, "Processing");
        for (double[] tasks : new double[][] {{12, 12}, {14, 15.8}, {15, 15}, {13, 13}, {20, 22}}) {
            simulator.setProgress(FINISHING, tasks);
            awaitTwoMoreTaskReads();
        }
        simulator.clearProgress(FINISHING);
        clock.advance(STEP.multipliedBy(2));
        awaitState(FINISHING, "Finished");
        awaitState(FAILING, "Error");
    }

    @AfterAll
    static void stop() {
        monitor.close();
        kafka.close();
        simulator.close();
    }

    @Test
    void should_publish_progress_when_it_rose_by_the_step_and_never_backwards() {
        assertEquals(List.of(10.0, 15.0, 21.0), progressValues(FINISHING));
    }

    @Test
    void should_shape_progress_events_and_carry_their_own_cloudevents_type() throws IOException {
        ConsumerRecord<String, byte[]> first = progressOf(FINISHING).get(0);
        JsonNode event = JSON.readTree(first.value());
        assertEquals(List.of("jobId", "jobName", "progress", "observedAt", "correlationData"), fieldNames(event));
        assertEquals(FINISHING, first.key());
        assertEquals("finishes", event.get("jobName").asText());
        assertEquals("io.github.amsjobmonitor.JobProgress", header(first, "ce_type"));
        assertEquals(FINISHING, header(first, "ce_subject"));
        assertEquals("application/json", header(first, "content-type"));
    }

    @Test
    void should_carry_progress_on_the_processing_status_event() throws IOException {
        JsonNode processing = statusEvent(FINISHING, "Processing");
        assertEquals(10.0, processing.get("progress").asDouble());
        assertFalse(statusEvent(FINISHING, "Queued").has("progress"), "progress only when known");
    }

    @Test
    void should_publish_no_progress_after_the_final_event() {
        long finalAt = kafka.readAll(topics.finished()).stream().filter(r -> FINISHING.equals(r.key()))
                .mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        assertTrue(progressOf(FINISHING).stream().allMatch(r -> r.timestamp() <= finalAt));
        assertTrue(progressOf(FAILING).stream().noneMatch(r -> {
            try {
                return JSON.readTree(r.value()).get("progress").asDouble() > 41.5;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }));
    }

    @Test
    void should_put_the_tasks_error_details_on_the_final_error_event() throws IOException {
        List<ConsumerRecord<String, byte[]>> errored = kafka.readAll(topics.errored());
        assertEquals(1, errored.size());
        JsonNode event = JSON.readTree(errored.get(0).value());
        JsonNode errors = event.get("errors");
        assertEquals(1, errors.size());
        assertEquals("ErrorProcessingTask", errors.get(0).get("code").asText());
        assertTrue(errors.get(0).get("message").asText().contains("corrupt"));
        assertEquals("Encode", errors.get(0).get("task").asText());
        assertEquals("7", event.get("correlationData").get("order").asText());
        assertEquals(event, statusEvent(FAILING, "Error"));
    }

    @Test
    void should_read_tasks_with_the_contract_headers_and_only_for_processing_or_failed_jobs() {
        List<io.github.amsjobmonitor.simulator.RecordedRequest> reads = simulator.recordedRequests().stream()
                .filter(r -> r.pathAndQuery().contains("/Tasks")).toList();
        assertTrue(reads.size() >= 10, "task reads: " + reads.size());
        for (var read : reads) {
            assertEquals(200, read.status(), read.pathAndQuery());
            assertEquals("2.19", read.header("x-ms-version"));
            assertEquals("application/json", read.header("Accept"));
            assertEquals("1.0;NetFx", read.header("DataServiceVersion"));
            assertEquals("3.0;NetFx", read.header("MaxDataServiceVersion"));
            assertTrue(read.header("Authorization").startsWith("Bearer "));
        }
        assertEquals(1, simulator.tokenRequestCount());
    }

    private static void awaitTwoMoreTaskReads() {
        int target = simulator.tasksRequestCount() + 2;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (simulator.tasksRequestCount() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the monitor stopped reading tasks");
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitState(String jobId, String state) {
        assertEquals(1, kafka.consume(topics.jobStatus(), r -> jobId.equals(r.key()) && state.equals(stateOf(r)), 1, WAIT).size(),
                "no " + state + " event for " + jobId);
    }

    private static String stateOf(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value()).get("state").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode statusEvent(String jobId, String state) throws IOException {
        return JSON.readTree(kafka.readAll(topics.jobStatus()).stream()
                .filter(r -> jobId.equals(r.key()) && state.equals(stateOf(r))).findFirst().orElseThrow().value());
    }

    private static List<ConsumerRecord<String, byte[]>> progressOf(String jobId) {
        return kafka.readAll(progressTopic).stream().filter(r -> jobId.equals(r.key())).toList();
    }

    private static List<Double> progressValues(String jobId) {
        return progressOf(jobId).stream().map(r -> {
            try {
                return JSON.readTree(r.value()).get("progress").asDouble();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
