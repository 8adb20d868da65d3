package io.github.amsjobmonitor.simulator;

import static io.github.amsjobmonitor.simulator.SimulatorHttp.filterQuery;
import static io.github.amsjobmonitor.simulator.SimulatorHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every AMS fault the monitor must survive, injected by method and by the control endpoint. */
class SimulatorFaultsTest {

    private static final String JOB = "nb:jid:UUID:0a0a0a0a-0000-0000-0000-00000000f001";

    private AmsSimulator simulator;
    private SimulatorHttp http;
    private String query;

    @BeforeEach
    void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults()).start();
        simulator.register(JOB, "faulty", JobScenario.LONG_RUNNING, Duration.ofMinutes(10));
        http = new SimulatorHttp(simulator);
        query = filterQuery("Id eq '" + JOB + "'");
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void should_throttle_with_and_without_retry_after() {
        simulator.throttleNextApiRequests(503, Duration.ofSeconds(4), 1);
        simulator.failNextApiRequests(429, 1);

        HttpResponse<String> busy = http.jobs(query);
        assertEquals(503, busy.statusCode());
        assertEquals("4", busy.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(busy.body().contains("Server is busy"));
        HttpResponse<String> tooMany = http.jobs(query);
        assertEquals(429, tooMany.statusCode());
        assertTrue(tooMany.headers().firstValue("Retry-After").isEmpty());
        assertEquals(200, http.jobs(query).statusCode());
    }

    @Test
    void should_answer_401_to_a_valid_token_when_told_to() {
        simulator.injectFault(ApiFault.of(ApiFault.Kind.UNAUTHORIZED), 1);
        assertEquals(401, http.jobs(query).statusCode());
        assertEquals(200, http.jobs(query).statusCode());
    }

    @Test
    void should_answer_late_when_told_to() {
        simulator.injectFault(ApiFault.slow(Duration.ofMillis(1500)), 1);
        HttpRequest request = http.jobsRequest(query).timeout(Duration.ofMillis(300)).build();
        assertThrows(IllegalStateException.class, () -> http.send(request), "the client's read timeout passes first");
        assertEquals(200, http.jobs(query).statusCode());
    }

    @Test
    void should_spoil_jobs_answers_in_each_way_a_client_must_not_take_for_a_page() {
        simulator.injectFault(ApiFault.of(ApiFault.Kind.NOT_JSON), 1);
        simulator.injectFault(ApiFault.of(ApiFault.Kind.VERBOSE), 1);
        simulator.injectFault(ApiFault.of(ApiFault.Kind.NO_STATE), 1);
        simulator.injectFault(ApiFault.of(ApiFault.Kind.UNKNOWN_STATE), 1);

        HttpResponse<String> html = http.jobs(query);
        assertEquals(200, html.statusCode());
        assertTrue(html.body().startsWith("<html>"));
        JsonNode verbose = json(http.jobs(query));
        assertEquals(JOB, verbose.get("d").get("results").get(0).get("Id").asText());
        JsonNode noState = json(http.jobs(query)).get("value").get(0);
        assertEquals(JOB, noState.get("Id").asText());
        assertFalse(noState.has("State"));
        assertEquals(ApiFault.UNKNOWN_STATE_CODE, json(http.jobs(query)).get("value").get(0).get("State").asInt());
        assertEquals(0, json(http.jobs(query)).get("value").get(0).get("State").asInt(), "answers are good again");
        assertFalse(simulator.faultsPending());
    }

    @Test
    void should_keep_a_fault_until_cleared() {
        simulator.injectFault(ApiFault.status(500), -1);
        for (int i = 0; i < 5; i++) {
            assertEquals(500, http.jobs(query).statusCode());
        }
        simulator.clearFaults();
        assertEquals(200, http.jobs(query).statusCode());
    }

    @Test
    void should_refuse_connections_for_a_while_then_listen_on_the_same_port() throws Exception {
        String apiUrl = simulator.apiUrl();
        simulator.refuseConnectionsFor(Duration.ofMillis(1500));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest plain = HttpRequest.newBuilder(URI.create(apiUrl + "Jobs()")).build();
        assertThrows(ConnectException.class, () -> client.send(plain, HttpResponse.BodyHandlers.ofString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Integer status = null;
        while (status == null && System.nanoTime() < deadline) {
            try {
                status = client.send(plain, HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (ConnectException stillClosed) {
                Thread.onSpinWait();
            }
        }
        assertEquals(401, status, "listening again (and asking for a token)");
        assertEquals(apiUrl, simulator.apiUrl());
    }

    @Test
    void should_take_every_fault_from_the_control_endpoint() {
        assertEquals(201, control("{\"fault\":\"STATUS\",\"status\":503,\"retryAfterSeconds\":2,\"times\":2}").statusCode());
        assertEquals(201, control("{\"fault\":\"UNAUTHORIZED\"}").statusCode());
        assertEquals(201, control("{\"fault\":\"SLOW\",\"millis\":10}").statusCode());
        assertEquals(201, control("{\"fault\":\"VERBOSE\",\"times\":-1}").statusCode());
        assertEquals(400, control("{\"fault\":\"STATUS\"}").statusCode(), "a status fault needs its status");
        assertEquals(400, control("{\"fault\":\"BROKEN\"}").statusCode());

        HttpResponse<String> busy = http.jobs(query);
        assertEquals(503, busy.statusCode());
        assertEquals("2", busy.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(503, http.jobs(query).statusCode());
        assertEquals(401, http.jobs(query).statusCode());
        assertTrue(json(http.jobs(query)).has("d"), "slow, then verbose");
        assertTrue(json(http.jobs(query)).has("d"), "verbose until cleared");

        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + FaultControlEndpoint.PATH))
                .DELETE().build()).statusCode());
        assertTrue(json(http.jobs(query)).has("value"));
        assertEquals(202, control("{\"fault\":\"REFUSE\",\"millis\":200}").statusCode());
    }

    private HttpResponse<String> control(String body) {
        return http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + FaultControlEndpoint.PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
