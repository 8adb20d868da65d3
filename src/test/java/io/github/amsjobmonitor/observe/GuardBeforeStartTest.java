package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No window before the guard (contract, "Trust"): from the first moment the management port answers,
 * while the monitor still waits on a Kafka broker that is not there, an unauthenticated caller gets
 * status and check names only, whatever it asks for.
 */
class GuardBeforeStartTest {

    private static final List<String> PATHS = List.of("/observe/health", "/observe/health/live", "/observe/health/ready");
    private static final List<String> QUERIES = List.of("?exposureLevel=full&data=true", "?exposureLevel=full&data=true&stackTrace=true",
            "?data=true", "");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void should_answer_status_only_from_the_first_moment_the_port_answers() throws Exception {
        int port = freePort();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start()) {
            Map<String, String> settings = RunningMonitor.settings(simulator, Topics.unique());
            // nothing listens there: tracking waits on its Kafka admin calls, the start does not end
            settings.put("camel.component.kafka.brokers", "127.0.0.1:" + freePort());
            settings.put("camel.management.enabled", "true");
            settings.put("camel.management.port", String.valueOf(port));
            try (MonitorProcess monitor = MonitorProcess.start("guard-before-start", settings)) {
                HttpResponse<String> first = firstAnswer(monitor, port, PATHS.get(0) + QUERIES.get(0));
                List<HttpResponse<String>> answers = new ArrayList<>(List.of(first));
                for (String path : PATHS) {
                    for (String query : QUERIES) {
                        answers.add(get(port, path + query));
                    }
                }
                assertFalse(monitor.logText().contains(") started in "), "the start should still wait on Kafka:\n" + monitor.tail(20));
                assertTrue(monitor.isAlive(), monitor.tail(20));

                List<String> configured = List.of(simulator.settings().clientId(), simulator.settings().tenant(),
                        simulator.apiUrl(), settings.get("camel.component.kafka.brokers"), settings.get("monitor.topic.job-ids"));
                for (HttpResponse<String> answer : answers) {
                    String asked = answer.uri().getPath() + "?" + answer.uri().getQuery();
                    assertTrue(answer.statusCode() == 200 || answer.statusCode() == 503, asked + ": " + answer.statusCode());
                    JsonNode body = JSON.readTree(answer.body());
                    assertEquals(Set.of("status", "checks"), fieldNames(body), asked + ": " + answer.body());
                    for (JsonNode check : body.get("checks")) {
                        assertEquals(Set.of("name", "status"), fieldNames(check), asked + ": " + answer.body());
                    }
                    for (String value : configured) {
                        assertFalse(answer.body().contains(value), asked + " tells " + value + ": " + answer.body());
                    }
                }
            }
        }
    }

    /** Asks as fast as it can until the port answers at all; returns that first answer. */
    private HttpResponse<String> firstAnswer(MonitorProcess monitor, int port, String pathAndQuery) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                return http.send(request(port, pathAndQuery), HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYet) {
                if (!monitor.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the management port never answered; the log ends with:\n" + monitor.tail(40), notYet);
                }
                Thread.sleep(10);
            }
        }
    }

    private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
        return http.send(request(port, pathAndQuery), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(int port, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(20)).build();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
