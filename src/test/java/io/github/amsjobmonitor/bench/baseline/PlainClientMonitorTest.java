package io.github.amsjobmonitor.bench.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.RecordedRequest;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's baseline must do the monitor's job, or the comparison means nothing: the contract's
 * request (one job per request, its headers, one token), the contract's events on each change until
 * the job is final, bad input skipped.
 */
class PlainClientMonitorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_publish_each_change_of_a_job_until_it_is_final_with_one_request_per_check_and_one_token() throws Exception {
        LocalKafkaBroker broker = SharedKafka.broker();
        String suffix = "-baseline-" + UUID.randomUUID();
        String jobIds = "job-ids" + suffix;
        String status = "job-status" + suffix;
        String finished = "job-finished" + suffix;
        broker.createTopics(1, jobIds, status, finished, "job-errored" + suffix, "job-canceled" + suffix);
        String job = SimulatedJob.randomId();
        Process baseline = null;
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers())) {
            // a never-ending job tells when the baseline is up, and later that it still checks
            String witness = SimulatedJob.randomId();
            simulator.register(witness, "witness", JobScenario.LONG_RUNNING, Duration.ofMillis(1));
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                    "-Dbaseline.brokers=" + broker.bootstrapServers(),
                    "-Dbaseline.api-url=" + simulator.apiUrl(),
                    "-Dbaseline.token-url=" + simulator.tokenUrl(),
                    "-Dbaseline.client-id=" + simulator.settings().clientId(),
                    "-Dbaseline.scope=" + simulator.settings().scope(),
                    "-Dbaseline.interval-ms=250",
                    "-Dbaseline.group-id=baseline" + suffix,
                    "-Dbaseline.topic.job-ids=" + jobIds,
                    "-Dbaseline.topic.job-status=" + status,
                    "-Dbaseline.topic.job-finished=" + finished,
                    "-Dbaseline.topic.job-errored=job-errored" + suffix,
                    "-Dbaseline.topic.job-canceled=job-canceled" + suffix,
                    PlainClientMonitor.class.getName())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("AZURE_AD_CLIENT_SECRET", simulator.settings().clientSecret());
            baseline = builder.start();

            kafka.send(jobIds, null, "not a job id");
            kafka.send(jobIds, null, witness);
            assertEquals(1, kafka.consume(status, r -> witness.equals(r.key()), 1, Duration.ofSeconds(60)).size(), "the baseline is up");
            simulator.register(job, "baseline test job", JobScenario.FINISH, Duration.ofSeconds(2));
            kafka.send(jobIds, null, job);

            List<ConsumerRecord<String, byte[]>> finals = kafka.consume(finished, 1, Duration.ofSeconds(60));
            assertEquals(1, finals.size(), "the Finished event on job-finished");
            List<ConsumerRecord<String, byte[]>> events = kafka.readAll(status).stream().filter(r -> job.equals(r.key())).toList();
            List<String> states = new ArrayList<>();
            String previous = null;
            for (ConsumerRecord<String, byte[]> event : events) {
                JsonNode value = JSON.readTree(event.value());
                assertEquals(job, value.get("jobId").asText());
                assertEquals("baseline test job", value.get("jobName").asText());
                assertEquals(previous, value.get("previousState").isNull() ? null : value.get("previousState").asText());
                previous = value.get("state").asText();
                states.add(previous);
                assertEquals(previous.equals("Finished"), value.get("final").asBoolean());
                assertNotNull(value.get("observedAt").asText(null));
                assertEquals("1.0", KafkaTestClient.header(event, "ce_specversion"));
                assertEquals(job, KafkaTestClient.header(event, "ce_subject"));
                assertEquals("application/json", KafkaTestClient.header(event, "content-type"));
                assertFalse(KafkaTestClient.text(event).contains(simulator.settings().clientSecret()));
            }
            assertEquals("Queued", states.get(0), "the first observation counts as a change");
            assertEquals("Finished", states.get(states.size() - 1));
            assertEquals(states.size(), states.stream().distinct().count(), "no event for a state seen again: " + states);

            // no checks after the final state: while the witness is checked five more times, the job is not checked again
            List<RecordedRequest> checks = checksOf(simulator, job);
            int witnessChecks = checksOf(simulator, witness).size();
            TopicWatcher.awaitOrFail(Duration.ofSeconds(60), () -> checksOf(simulator, witness).size() >= witnessChecks + 5,
                    () -> "the witness job was not checked five more times");
            assertEquals(checks.size(), checksOf(simulator, job).size(), "a final job is no longer checked");

            assertEquals(1, simulator.tokenRequestCount(), "one token for the whole run");
            assertTrue(checks.size() >= states.size());
            List<RecordedRequest> all = simulator.recordedRequests().stream().filter(r -> r.pathAndQuery().startsWith("/api/Jobs()")).toList();
            for (RecordedRequest check : all) {
                String query = decoded(check);
                assertTrue(query.endsWith("$filter=Id eq '" + job + "'&$top=1") || query.endsWith("$filter=Id eq '" + witness + "'&$top=1"),
                        "one job per request: " + query);
                assertEquals("Bearer ***", check.header("Authorization")); // the simulator keeps the scheme only
                assertEquals("2.19", check.header("x-ms-version"));
                assertEquals("application/json", check.header("Accept"));
                assertEquals("1.0;NetFx", check.header("DataServiceVersion"));
                assertEquals("3.0;NetFx", check.header("MaxDataServiceVersion"));
            }
        } finally {
            if (baseline != null) {
                baseline.destroy();
                if (!baseline.waitFor(20, TimeUnit.SECONDS)) {
                    baseline.destroyForcibly();
                }
            }
        }
    }

    private static List<RecordedRequest> checksOf(AmsSimulator simulator, String job) {
        return simulator.recordedRequests().stream()
                .filter(r -> r.pathAndQuery().startsWith("/api/Jobs()") && decoded(r).contains(job)).toList();
    }

    private static String decoded(RecordedRequest request) {
        return URLDecoder.decode(request.pathAndQuery(), StandardCharsets.UTF_8);
    }
}
