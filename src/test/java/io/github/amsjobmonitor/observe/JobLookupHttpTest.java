package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.ManagementHttp;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /observe/jobs on the management port of a running monitor: the same access rule as health
 * details (401 with authentication configured, 403 without, the answer with credentials).
 */
class JobLookupHttpTest {

    private static final String USER = "operator";
    private static final String PASSWORD = "op-" + SimulatedJob.randomId().substring(12, 20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(45);

    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static RunningMonitor plain;
    private static KafkaTestClient kafka;
    private static Path credentialsFile;
    private static String job;
    private static int port;
    private static int plainPort;
    private final ManagementHttp http = new ManagementHttp(USER);

    @BeforeAll
    static void startWithAuthenticationAndTrackAJob() throws IOException {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        job = simulator.registerRandom(JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
        Topics topics = Topics.unique();
        port = ManagementHttp.freePort();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        credentialsFile = ManagementHttp.enableWithUser(settings, port, USER, PASSWORD);
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
        kafka.send(topics.jobIds(), null, job);
        assertEquals(1, kafka.consume(topics.jobStatus(), 1, WAIT).size(), "the job's first event");

        // another monitor, management authentication not configured (the shipped default)
        Topics plainTopics = Topics.unique();
        plainPort = ManagementHttp.freePort();
        Map<String, String> plainSettings = RunningMonitor.settings(simulator, plainTopics);
        ManagementHttp.enable(plainSettings, plainPort);
        plain = RunningMonitor.start(plainSettings, plainTopics);
    }

    @AfterAll
    static void stop() throws IOException {
        Closing.closeAll(plain, monitor, kafka, simulator);
        Files.deleteIfExists(credentialsFile);
    }

    @Test
    void should_answer_what_it_knows_of_a_tracked_job_to_an_authenticated_operator() throws Exception {
        HttpResponse<String> answer = http.get(port, "/observe/jobs/" + job, PASSWORD);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("content-type").orElse(""));
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(job, body.get("jobId").asText());
        assertTrue(List.of("Queued", "Scheduled", "Processing").contains(body.get("state").asText()), answer.body());
        assertFalse(body.get("trackedSince").isNull(), answer.body());
        int partition = Utils.toPositive(Utils.murmur2(job.getBytes(StandardCharsets.UTF_8))) % 3;
        assertEquals(partition, body.get("partition").asInt(), "the tracking topic's partition of the key");
    }

    @Test
    void should_answer_404_with_the_owner_partition_for_a_job_not_tracked_here() throws Exception {
        String unknown = SimulatedJob.randomId();
        HttpResponse<String> answer = http.get(port, "/observe/jobs/" + unknown, PASSWORD);
        assertEquals(404, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(Utils.toPositive(Utils.murmur2(unknown.getBytes(StandardCharsets.UTF_8))) % 3, body.get("partition").asInt());
        assertTrue(body.get("message").asText().contains("partition " + body.get("partition").asInt()), answer.body());
    }

    @Test
    void should_answer_400_to_what_is_not_a_job_id_without_echoing_it() {
        HttpResponse<String> answer = http.get(port, "/observe/jobs/%3Cscript%3Ealert(1)%3C%2Fscript%3E", PASSWORD);
        assertEquals(400, answer.statusCode(), answer.body());
        assertFalse(answer.body().contains("<script>") || answer.body().contains("alert"), answer.body());
        assertTrue(answer.body().contains("not an AMS v2 job ID"), answer.body());
    }

    @Test
    void should_count_jobs_by_state() throws Exception {
        HttpResponse<String> answer = http.get(port, "/observe/jobs", PASSWORD);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(1, body.get("jobs").asInt(), answer.body());
        assertTrue(body.get("mostOverdue").isArray(), answer.body());
    }

    @Test
    void should_refuse_the_lookup_without_credentials_when_authentication_is_configured() {
        for (String path : List.of("/observe/jobs", "/observe/jobs/" + job, "/observe/jobs/not-an-id")) {
            HttpResponse<String> answer = http.get(port, path, null);
            assertEquals(401, answer.statusCode(), path + ": " + answer.body());
            assertFalse(answer.body().contains(job), answer.body());
            assertEquals(401, http.get(port, path, "wrong-password").statusCode(), path);
        }
    }

    @Test
    void should_refuse_the_lookup_to_everyone_when_no_authentication_is_configured() {
        for (String path : List.of("/observe/jobs", "/observe/jobs/" + job)) {
            HttpResponse<String> answer = http.get(plainPort, path, null);
            assertEquals(403, answer.statusCode(), path + ": " + answer.body());
            assertTrue(answer.body().contains("camel.management.authentication-enabled"), answer.body());
        }
    }
}
