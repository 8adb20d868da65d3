package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Camel's management server serves health (routes, Kafka consumers, a token obtainable, AMS answering)
 * and the monitor's Prometheus series, as an operator reads them. Probes go without credentials, as
 * Kubernetes sends them; check messages and metrics are read with the operator's credentials (Camel's
 * management authentication; what a caller without them gets: HealthExposureTest).
 */
class HealthAndMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String OPERATOR = "Basic " + Base64.getEncoder().encodeToString(
            "operator:operator-password".getBytes(StandardCharsets.UTF_8));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void should_list_routes_kafka_consumers_token_and_ams_checks_in_health() throws Exception {
        int port = freePort();
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "x", JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
            try (RunningMonitor monitor = RunningMonitor.start(withManagement(simulator, topics, port), topics)) {
                kafka.send(topics.jobIds(), null, job);
                assertEquals(1, kafka.consume(topics.jobStatus(), 1, Duration.ofSeconds(30)).size());

                HttpResponse<String> health = get(port, "/observe/health");
                assertEquals(200, health.statusCode(), health.body());
                JsonNode body = JSON.readTree(health.body());
                assertEquals("UP", body.get("status").asText());
                for (String check : List.of("context", "route:intake", "route:check", "route:check-job",
                        "consumer:intake", "consumer:check", "entra-token", "ams-api")) {
                    assertEquals("UP", checkState(body, check), check + " in " + health.body());
                }

                HttpResponse<String> metrics = getAsOperator(port, "/observe/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("camel_exchanges_total"), "route exchange counters");
                assertTrue(metrics.body().contains("routeId=\"check-job\""), "per-route series");
            }
        }
    }

    @Test
    void should_serve_every_monitor_series_after_a_job_lifecycle_and_a_dead_letter() throws Exception {
        int port = freePort();
        String finishing = SimulatedJob.randomId();
        String running = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(finishing, "finishes", JobScenario.FINISH, Duration.ofMillis(800));
            simulator.register(running, "runs", JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
            Map<String, String> settings = withManagement(simulator, topics, port);
            settings.put("monitor.metrics.tracked-jobs-max-age", "200ms");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, finishing);
                kafka.send(topics.jobIds(), null, running);
                kafka.send(topics.jobIds(), null, "not a job id");
                assertEquals(1, kafka.consume(topics.finished(), 1, WAIT).size(), "the finished event");
                assertEquals(1, kafka.consume(topics.deadLetter(), 1, WAIT).size(), "the dead letter");

                List<String> expected = List.of(
                        "monitor_checks_total{state=\"Finished\"}",
                        "monitor_checks_total{state=\"Processing\"}",
                        "monitor_events_published_total{state=\"Finished\",topic=\"" + topics.jobStatus() + "\"}",
                        "monitor_events_published_total{state=\"Finished\",topic=\"" + topics.finished() + "\"}",
                        "monitor_events_published_total{state=\"Processing\",topic=\"" + topics.jobStatus() + "\"}",
                        "monitor_ams_responses_total{code=\"200\"}",
                        "monitor_ams_request_seconds_bucket{le=\"0.1\"}",
                        "monitor_ams_request_seconds_bucket{le=\"+Inf\"}",
                        "monitor_ams_request_seconds_count",
                        "monitor_token_requests_total{outcome=\"obtained\"} 1.0",
                        "monitor_token_requests_total{outcome=\"failed\"} 0.0",
                        "monitor_dead_letters_total{code=\"INVALID_JOB_ID\"} 1.0",
                        // the finished job is no longer tracked, the running one is
                        "monitor_jobs_tracked 1.0");
                TopicWatcher.awaitOrFail(WAIT, () -> expected.stream().allMatch(scrape(port)::contains),
                        () -> "missing " + expected.stream().filter(s -> !scrape(port).contains(s)).toList()
                                + " in\n" + scrape(port).lines().filter(l -> l.startsWith("monitor_")).toList());

                // probes read the cached token: they send no token request
                int tokenRequests = simulator.tokenRequestCount();
                for (int i = 0; i < 20; i++) {
                    assertEquals(200, get(port, "/observe/health/ready").statusCode());
                }
                assertEquals(tokenRequests, simulator.tokenRequestCount());
            }
        }
    }

    @Test
    void should_turn_ams_api_down_after_failed_requests_and_up_with_the_next_answer() throws Exception {
        int port = freePort();
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "x", JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
            Map<String, String> settings = withManagement(simulator, topics, port);
            // the failures open the AMS circuit breaker too (ams-api DOWN while it is open): keep it open briefly
            settings.put("ams.breaker.open-seconds", "2");
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, job);
                assertEquals(1, kafka.consume(topics.jobStatus(), 1, WAIT).size());
                simulator.failNextApiRequests(500, 15);
                awaitCheck(port, "ams-api", "DOWN");
                assertEquals(503, get(port, "/observe/health/ready").statusCode());
                awaitCheck(port, "ams-api", "UP");
                assertTrue(scrape(port).contains("monitor_ams_responses_total{code=\"500\"}"));
            }
        }
    }

    @Test
    void should_turn_not_ready_while_no_token_can_be_had_and_ready_again_after() throws Exception {
        int port = freePort();
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "x", JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
            simulator.tokenOutage(true);
            try (RunningMonitor monitor = RunningMonitor.start(withManagement(simulator, topics, port), topics)) {
                kafka.send(topics.jobIds(), null, job);

                JsonNode down = awaitCheck(port, "entra-token", "DOWN");
                assertTrue(message(down, "entra-token").contains("temporarily_unavailable"), down.toString());
                assertEquals(503, get(port, "/observe/health/ready").statusCode(), "not ready");
                assertEquals(200, get(port, "/observe/health/live").statusCode(), "alive all the same");
                assertTrue(scrape(port).contains("monitor_token_requests_total{outcome=\"failed\"}"));
                assertTrue(kafka.readAll(topics.jobStatus()).isEmpty());

                simulator.tokenOutage(false);
                awaitCheck(port, "entra-token", "UP");
                TopicWatcher.awaitOrFail(WAIT, () -> get(port, "/observe/health/ready").statusCode() == 200,
                        () -> "ready again: " + get(port, "/observe/health/ready").body());
                assertEquals(1, kafka.consume(topics.jobStatus(), 1, WAIT).size(), "the job is checked again");
            }
        }
    }

    private static Map<String, String> withManagement(AmsSimulator simulator, Topics topics, int port) throws IOException {
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", String.valueOf(port));
        Path users = Files.createTempFile("management-users", ".properties");
        users.toFile().deleteOnExit();
        Files.writeString(users, "user.operator=operator-password,observer\nrole.observer=*\n");
        settings.put("camel.management.authentication-enabled", "true");
        settings.put("camel.management.basic-properties-file", users.toString());
        return settings;
    }

    /** Polls the health until the check has the state; returns that health document. */
    private JsonNode awaitCheck(int port, String check, String state) {
        JsonNode[] last = new JsonNode[1];
        TopicWatcher.awaitOrFail(WAIT, () -> {
            last[0] = health(port);
            return state.equals(checkState(last[0], check));
        }, () -> check + " " + state + ": " + last[0]);
        return last[0];
    }

    private JsonNode health(int port) {
        try {
            return JSON.readTree(getAsOperator(port, "/observe/health").body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String checkState(JsonNode health, String name) {
        for (JsonNode check : health.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check.path("status").asText();
            }
        }
        return null;
    }

    private static String message(JsonNode health, String name) {
        for (JsonNode check : health.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check.path("message").asText();
            }
        }
        return "";
    }

    private String scrape(int port) {
        return getAsOperator(port, "/observe/metrics").body();
    }

    private HttpResponse<String> get(int port, String path) {
        return get(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)), path);
    }

    private HttpResponse<String> getAsOperator(int port, String path) {
        return get(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", OPERATOR), path);
    }

    private HttpResponse<String> get(HttpRequest.Builder request, String path) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
