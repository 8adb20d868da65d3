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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics are safe to expose (contract, "Trust"): an unauthenticated caller learns UP/DOWN
 * and the checks' names, never a configured value, whatever it asks for; Camel's management
 * authentication gives the details; Kubernetes probes need no credentials. Metrics are served to
 * Prometheus without credentials (unless monitor.observe.metrics-need-credentials) and hold no secret.
 */
class HealthExposureTest {

    private static final String USER = "operator";
    private static final String PASSWORD = "op-" + SimulatedJob.randomId().substring(12, 20);
    private static final List<String> HEALTH_PATHS = List.of("/observe/health", "/observe/health/live", "/observe/health/ready");
    private static final List<String> QUERIES = List.of("", "?data=true", "?exposureLevel=full&data=true&stackTrace=true",
            "?exposureLevel=default&data=true", "?stackTrace=true");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;
    private static Map<String, String> settings;
    private static Path credentialsFile;
    private static int port;
    // the same monitor without authentication (the shipped default), with details opted in (and its
    // secret in a file), and with authentication on metrics too
    private static RunningMonitor plain;
    private static RunningMonitor optedIn;
    private static RunningMonitor metricsLocked;
    private static int plainPort;
    private static int optedInPort;
    private static int metricsLockedPort;
    private static Path secretFile;
    private final ManagementHttp http = new ManagementHttp(USER);

    @BeforeAll
    static void startWithAuthenticationAndAJobAndADeadLetter() throws IOException {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        String job = simulator.registerRandom(JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
        topics = Topics.unique();
        port = ManagementHttp.freePort();
        settings = RunningMonitor.settings(simulator, topics);
        credentialsFile = ManagementHttp.enableWithUser(settings, port, USER, PASSWORD);
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
        kafka.send(topics.jobIds(), null, job);
        kafka.send(topics.jobIds(), null, "not a job id");
        assertEquals(1, kafka.consume(topics.jobStatus(), 1, Duration.ofSeconds(30)).size());
        assertEquals(1, kafka.consume(topics.deadLetter(), 1, Duration.ofSeconds(30)).size());

        plainPort = ManagementHttp.freePort();
        plain = RunningMonitor.start(withoutAuthentication(plainPort, "false"), topics);
        optedInPort = ManagementHttp.freePort();
        Map<String, String> withSecretFile = withoutAuthentication(optedInPort, "true");
        secretFile = Files.createTempFile("client-secret", ".txt");
        Files.writeString(secretFile, withSecretFile.remove("azure.ad.client-secret") + "\n");
        withSecretFile.put("azure.ad.client-secret-file", secretFile.toString());
        optedIn = RunningMonitor.start(withSecretFile, topics);
        metricsLockedPort = ManagementHttp.freePort();
        Map<String, String> locked = new java.util.LinkedHashMap<>(settings);
        locked.put("camel.management.port", String.valueOf(metricsLockedPort));
        locked.put("monitor.observe.metrics-need-credentials", "true");
        metricsLocked = RunningMonitor.start(locked, topics);
    }

    private static Map<String, String> withoutAuthentication(int managementPort, String detailsWithoutAuthentication) {
        Map<String, String> s = new java.util.LinkedHashMap<>(settings);
        s.remove("camel.management.authentication-enabled");
        s.remove("camel.management.basic-properties-file");
        s.put("camel.management.port", String.valueOf(managementPort));
        s.put("monitor.observe.details-without-authentication", detailsWithoutAuthentication);
        return s;
    }

    @AfterAll
    static void stop() throws IOException {
        Closing.closeAll(metricsLocked, optedIn, plain, monitor, kafka, simulator);
        Files.deleteIfExists(credentialsFile);
        if (secretFile != null) {
            Files.deleteIfExists(secretFile);
        }
    }

    /** Every value an operator configured that a stranger must not learn from the management port. */
    private static List<String> configuredValues() {
        List<String> values = new ArrayList<>(List.of(
                simulator.settings().clientId(), simulator.settings().tenant(), simulator.settings().clientSecret(),
                simulator.apiUrl(), simulator.baseUrl(), simulator.baseUrl().replace("/", "\\/"),
                SharedKafka.broker().bootstrapServers(), "127.0.0.1:" + SharedKafka.broker().port(),
                settings.get("monitor.group-id"), credentialsFile.toString(), ".camel.yaml", "application.properties",
                String.valueOf(simulator.port())));
        values.addAll(List.of(topics.all()));
        return values;
    }

    @Test
    void should_tell_an_unauthenticated_caller_no_configured_value_whatever_it_asks() {
        assertEquals(List.of(), leaks(port));
    }

    @Test
    void should_tell_no_configured_value_without_authentication_configured_either() {
        assertEquals(List.of(), leaks(plainPort));
        assertEquals(200, http.get(plainPort, "/observe/health/ready", null).statusCode());
    }

    /** Every secret, token, password and credential path the monitors were given: none may appear in metrics. */
    private static List<String> secrets() {
        List<String> secrets = new ArrayList<>(List.of(simulator.settings().clientSecret(), PASSWORD,
                credentialsFile.toString(), credentialsFile.getFileName().toString(),
                secretFile.toString(), secretFile.getFileName().toString(), "Bearer", "password", "secret"));
        secrets.addAll(simulator.issuedTokens());
        return secrets;
    }

    @Test
    void should_serve_metrics_without_credentials_holding_no_secret() {
        for (int managementPort : new int[] {port, plainPort, optedInPort}) {
            HttpResponse<String> metrics = http.get(managementPort, "/observe/metrics", null);
            assertEquals(200, metrics.statusCode(), "port " + managementPort + ": " + metrics.body());
            assertTrue(metrics.body().contains("monitor_token_requests_total"), metrics.body());
            assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
                    metrics.headers().toString());
            List<String> found = secrets().stream().filter(metrics.body()::contains).toList();
            assertEquals(List.of(), found, "in the metrics of port " + managementPort);
        }
        assertFalse(simulator.issuedTokens().isEmpty(), "the monitors' tokens are among the values looked for");
    }

    @Test
    void should_keep_metrics_behind_credentials_when_asked_to() {
        assertEquals(401, http.get(metricsLockedPort, "/observe/metrics", null).statusCode());
        assertEquals(401, http.get(metricsLockedPort, "/observe/metrics", "wrong-password").statusCode());
        assertEquals(200, http.get(metricsLockedPort, "/observe/metrics", PASSWORD).statusCode());
    }

    @Test
    void should_give_details_to_anyone_when_opted_in() throws Exception {
        HttpResponse<String> health = http.get(optedInPort, "/observe/health?data=true", null);
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"data\""), health.body());
        assertTrue(health.body().contains(topics.jobIds()), "the consumer checks' data: " + health.body());
        assertEquals(200, http.get(optedInPort, "/observe/metrics", null).statusCode());
    }

    private List<String> leaks(int managementPort) {
        List<String> leaks = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        // (metrics name topics and endpoints, by design: what they must not hold is should_serve_metrics_...)
        HEALTH_PATHS.forEach(path -> QUERIES.forEach(query -> paths.add(path + query)));
        for (String pathAndQuery : paths) {
            HttpResponse<String> answer = http.get(managementPort, pathAndQuery, null);
            for (String value : configuredValues()) {
                if (answer.body().contains(value)) {
                    leaks.add(pathAndQuery + " tells " + value + ": " + answer.body());
                }
            }
        }
        return leaks;
    }

    @Test
    void should_answer_probes_without_credentials_with_status_and_check_names_only() throws Exception {
        for (String path : HEALTH_PATHS) {
            for (String query : QUERIES) {
                HttpResponse<String> answer = get(path + query, null);
                assertEquals(200, answer.statusCode(), path + query + ": " + answer.body());
                JsonNode body = JSON.readTree(answer.body());
                assertEquals(Set.of("status", "checks"), fieldNames(body), answer.body());
                assertEquals("UP", body.get("status").asText());
                for (JsonNode check : body.get("checks")) {
                    assertEquals(Set.of("name", "status"), fieldNames(check), answer.body());
                }
            }
        }
        JsonNode ready = JSON.readTree(get("/observe/health/ready", null).body());
        List<String> names = new ArrayList<>();
        ready.get("checks").forEach(c -> names.add(c.get("name").asText()));
        assertTrue(names.containsAll(List.of("context", "route:intake", "consumer:intake", "entra-token", "ams-api")), names.toString());
        JsonNode live = JSON.readTree(get("/observe/health/live", null).body());
        assertEquals("context", live.get("checks").get(0).get("name").asText(), "liveness is only context: " + live);
    }

    @Test
    void should_give_details_and_metrics_to_an_authenticated_operator() throws Exception {
        HttpResponse<String> health = get("/observe/health?data=true", PASSWORD);
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"data\""), health.body());
        assertTrue(health.body().contains("a token is held"), "check messages: " + health.body());
        HttpResponse<String> metrics = get("/observe/metrics", PASSWORD);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("monitor_dead_letters_total{code=\"INVALID_JOB_ID\"} 1.0"), metrics.body());
    }

    @Test
    void should_refuse_details_to_wrong_credentials() {
        assertEquals(401, get("/observe/health?data=true", "wrong-password").statusCode());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private HttpResponse<String> get(String pathAndQuery, String password) {
        return http.get(port, pathAndQuery, password);
    }
}
