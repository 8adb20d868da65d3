package io.github.amsjobmonitor.flow;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static io.github.amsjobmonitor.testsupport.KafkaTestClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.ODataFilter;
import io.github.amsjobmonitor.simulator.RecordedRequest;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole flow over a real broker and the simulator: three jobs that finish, fail and are
 * canceled. The simulator's clock only moves when the test has seen the event of the current
 * state, so every state is observed and the expected sequences are exact, while the monitor polls
 * every 200 ms and sees each state many times.
 */
class JobLifecycleEventsTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FINISHING = SimulatedJob.randomId();
    private static final String FAILING = SimulatedJob.randomId();
    private static final String CANCELED = SimulatedJob.randomId();

    private static ManualClock clock;
    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;

    @BeforeAll
    static void runThreeJobsToTheirEnd() {
        clock = ManualClock.startingNow();
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        simulator.register(FINISHING, "finishes", JobScenario.FINISH, STEP);
        simulator.register(FAILING, "fails", JobScenario.ERROR, STEP);
        simulator.register(CANCELED, "is canceled", JobScenario.CANCEL, STEP);

        topics = Topics.unique();
        monitor = RunningMonitor.start(RunningMonitor.settings(simulator, topics), topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());

        kafka.send(topics.jobIds(), null, FINISHING);
        kafka.send(topics.jobIds(), "any key", "{\"jobId\":\"" + FAILING + "\",\"correlationData\":{\"order\":\"42\"}}");
        kafka.send(topics.jobIds(), null, "{\"jobId\":\"" + CANCELED + "\",\"correlationData\":{\"team\":\"media\",\"x\":\"y\"}}");

        Map<String, List<String>> paths = Map.of(
                FINISHING, names(JobScenario.FINISH), FAILING, names(JobScenario.ERROR), CANCELED, names(JobScenario.CANCEL));
        for (int step = 0; step < 4; step++) {
            for (var job : paths.entrySet()) {
                if (step < job.getValue().size()) {
                    awaitStatus(job.getKey(), job.getValue().get(step));
                }
            }
            clock.advance(STEP);
        }
    }

    @AfterAll
    static void stop() {
        Closing.closeAll(monitor, kafka, simulator);
    }

    @Test
    void should_publish_each_state_change_once_with_previous_state_chained() {
        assertEquals(List.of("null>Queued", "Queued>Scheduled", "Scheduled>Processing", "Processing>Finished"), transitions(FINISHING));
        assertEquals(List.of("null>Queued", "Queued>Processing", "Processing>Error"), transitions(FAILING));
        assertEquals(List.of("null>Queued", "Queued>Processing", "Processing>Canceling", "Canceling>Canceled"), transitions(CANCELED));
    }

    @Test
    void should_send_each_final_event_to_its_outcome_topic_too() {
        assertFinalOn(topics.finished(), FINISHING, "Finished");
        assertFinalOn(topics.errored(), FAILING, "Error");
        assertFinalOn(topics.canceled(), CANCELED, "Canceled");
    }

    @Test
    void should_mark_only_final_states_final_and_carry_the_job_times() throws Exception {
        for (ConsumerRecord<String, byte[]> record : statusOf(FINISHING)) {
            JsonNode event = JSON.readTree(record.value());
            boolean finished = event.get("state").asText().equals("Finished");
            assertEquals(finished, event.get("final").asBoolean());
            assertEquals("finishes", event.get("jobName").asText());
            assertNotNull(event.get("observedAt").asText());
            assertTrue(event.get("lastModified").asText().endsWith("Z"));
            assertEquals(finished, !event.get("endTime").isNull());
        }
    }

    @Test
    void should_echo_correlation_data_on_every_event() throws Exception {
        for (ConsumerRecord<String, byte[]> record : statusOf(FAILING)) {
            assertEquals(Map.of("order", "42"), JSON.convertValue(JSON.readTree(record.value()).get("correlationData"), Map.class));
        }
        for (ConsumerRecord<String, byte[]> record : statusOf(CANCELED)) {
            assertEquals(Map.of("team", "media", "x", "y"),
                    JSON.convertValue(JSON.readTree(record.value()).get("correlationData"), Map.class));
        }
        for (ConsumerRecord<String, byte[]> record : statusOf(FINISHING)) {
            assertEquals(Map.of(), JSON.convertValue(JSON.readTree(record.value()).get("correlationData"), Map.class));
        }
    }

    @Test
    void should_key_by_job_id_and_carry_cloudevents_binary_headers() throws Exception {
        for (ConsumerRecord<String, byte[]> record : statusOf(FINISHING)) {
            JsonNode event = JSON.readTree(record.value());
            assertEquals(FINISHING, record.key());
            assertEquals("1.0", header(record, "ce_specversion"));
            assertEquals(FINISHING, header(record, "ce_subject"));
            assertEquals("/ams-job-monitor", header(record, "ce_source"));
            assertEquals("io.github.amsjobmonitor.JobStateChanged", header(record, "ce_type"));
            assertEquals(event.get("observedAt").asText(), java.time.OffsetDateTime.parse(header(record, "ce_time")).toInstant().toString());
            assertEquals("application/json", header(record, "content-type"));
            assertNotNull(header(record, "ce_id"));
        }
        Set<String> ids = statusOf(FINISHING).stream().map(r -> header(r, "ce_id")).collect(Collectors.toSet());
        assertEquals(4, ids.size(), "one ce_id per state");
    }

    @Test
    void should_serve_the_whole_run_with_one_token() {
        assertEquals(1, simulator.tokenRequestCount());
    }

    @Test
    void should_send_every_ams_request_with_the_contract_headers_and_filter() {
        List<RecordedRequest> jobsRequests = simulator.recordedRequests().stream()
                .filter(r -> r.pathAndQuery().startsWith("/api/Jobs()")).toList();
        assertTrue(jobsRequests.size() > 11, "the monitor polled " + jobsRequests.size() + " times");
        for (RecordedRequest request : jobsRequests) {
            assertEquals("GET", request.method());
            assertEquals(200, request.status());
            assertEquals("2.19", request.header("x-ms-version"));
            assertEquals("application/json", request.header("Accept"));
            assertEquals("1.0;NetFx", request.header("DataServiceVersion"));
            assertEquals("3.0;NetFx", request.header("MaxDataServiceVersion"));
            assertTrue(request.header("Authorization").startsWith("Bearer "));
            // checks due together share a request: Id eq 'a' or Id eq 'b'
            List<String> ids = ODataFilter.parse(request.queryParameter("$filter")).jobIds();
            assertEquals(String.valueOf(ids.size()), request.queryParameter("$top"));
            assertTrue(Set.of(FINISHING, FAILING, CANCELED).containsAll(ids), request.pathAndQuery());
        }
    }

    @Test
    void should_never_put_the_token_or_the_secret_on_any_topic() {
        Set<String> secrets = simulator.recordedRequests().stream()
                .map(r -> r.header("Authorization")).filter(a -> a != null && a.startsWith("Bearer "))
                .map(a -> a.substring("Bearer ".length())).collect(Collectors.toSet());
        assertFalse(secrets.isEmpty());
        secrets.add(simulator.settings().clientSecret());
        for (String topic : topics.all()) {
            for (ConsumerRecord<String, byte[]> record : kafka.readAll(topic)) {
                StringBuilder everything = new StringBuilder(record.key() == null ? "" : record.key()).append(text(record));
                for (Header h : record.headers()) {
                    everything.append(h.key()).append(new String(h.value(), StandardCharsets.UTF_8));
                }
                for (String secret : secrets) {
                    assertFalse(everything.toString().contains(secret), "a secret on " + topic);
                }
                assertNull(record.headers().lastHeader("Authorization"), "Authorization header on " + topic);
            }
        }
    }

    private static List<String> names(JobScenario scenario) {
        return scenario.states().stream().map(s -> s.displayName()).toList();
    }

    private static void awaitStatus(String jobId, String state) {
        List<ConsumerRecord<String, byte[]>> seen = kafka.consume(topics.jobStatus(),
                r -> jobId.equals(r.key()) && state.equals(header(r, "ce_id") == null ? null : stateOf(r)), 1, WAIT);
        assertEquals(1, seen.size(), "no " + state + " event for " + jobId + " within " + WAIT);
    }

    private static List<ConsumerRecord<String, byte[]>> statusOf(String jobId) {
        return kafka.readAll(topics.jobStatus()).stream().filter(r -> jobId.equals(r.key())).toList();
    }

    private static List<String> transitions(String jobId) {
        List<String> result = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : statusOf(jobId)) {
            try {
                JsonNode event = JSON.readTree(record.value());
                result.add((event.get("previousState").isNull() ? "null" : event.get("previousState").asText()) + ">"
                        + event.get("state").asText());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        return result;
    }

    private static String stateOf(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value()).get("state").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertFinalOn(String topic, String jobId, String state) {
        List<ConsumerRecord<String, byte[]>> records = kafka.readAll(topic);
        assertEquals(1, records.size(), topic);
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertEquals(jobId, record.key());
        assertEquals(state, stateOf(record));
        ConsumerRecord<String, byte[]> status = statusOf(jobId).stream().filter(r -> state.equals(stateOf(r))).findFirst().orElseThrow();
        assertEquals(header(status, "ce_id"), header(record, "ce_id"));
    }
}
