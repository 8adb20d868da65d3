package io.github.amsjobmonitor.simulator;

import static io.github.amsjobmonitor.simulator.SimulatorHttp.form;
import static io.github.amsjobmonitor.simulator.SimulatorHttp.json;
import static io.github.amsjobmonitor.simulator.SimulatorSettings.DEFAULT_CLIENT_ID;
import static io.github.amsjobmonitor.simulator.SimulatorSettings.DEFAULT_CLIENT_SECRET;
import static io.github.amsjobmonitor.simulator.SimulatorSettings.DEFAULT_SCOPE;
import static io.github.amsjobmonitor.simulator.SimulatorSettings.DEFAULT_TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatorTokenEndpointTest {

    private final ManualClock clock = ManualClock.startingNow();
    private AmsSimulator simulator;
    private SimulatorHttp http;

    @BeforeEach
    void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withTokenLifetime(Duration.ofSeconds(600)), clock).start();
        http = new SimulatorHttp(simulator);
    }

    @AfterEach
    void stop() {
        simulator.stop();
    }

    @Test
    void should_issue_a_bearer_token_for_the_configured_client() {
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT, SimulatorHttp.validForm());

        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = json(response);
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(600, body.get("expires_in").asInt());
        assertEquals(600, body.get("ext_expires_in").asInt());
        assertTrue(body.get("access_token").asText().length() >= 40);
        assertEquals(1, simulator.tokenRequestCount());
        assertEquals(1, simulator.issuedTokenCount());
    }

    @Test
    void should_issue_a_different_token_each_time() {
        assertNotEquals(http.accessToken(), http.accessToken());
        assertEquals(2, simulator.tokenRequestCount());
    }

    @Test
    void should_accept_the_bare_scope_too() {
        String form = form("client_credentials", DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SCOPE);
        assertEquals(200, http.postToken(DEFAULT_TENANT, form).statusCode());
    }

    @Test
    void should_answer_invalid_client_to_a_wrong_secret() {
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT,
                form("client_credentials", DEFAULT_CLIENT_ID, "wrong", DEFAULT_SCOPE));

        assertEquals(401, response.statusCode());
        JsonNode body = json(response);
        assertEquals("invalid_client", body.get("error").asText());
        assertTrue(body.get("error_description").asText().startsWith("AADSTS7000215: Invalid client secret provided."));
        assertEquals(7000215, body.get("error_codes").get(0).asInt());
        assertFalse(response.body().contains("wrong"), "the rejected secret is not echoed");
        assertEquals(1, simulator.tokenRequestCount());
        assertEquals(0, simulator.issuedTokenCount());
    }

    @Test
    void should_answer_invalid_client_to_an_unknown_client() {
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT,
                form("client_credentials", "someone-else", DEFAULT_CLIENT_SECRET, DEFAULT_SCOPE));

        assertEquals(401, response.statusCode());
        assertEquals("invalid_client", json(response).get("error").asText());
        assertTrue(json(response).get("error_description").asText().startsWith("AADSTS700016:"));
    }

    @Test
    void should_answer_invalid_request_to_an_unknown_tenant() {
        HttpResponse<String> response = http.postToken("other-tenant", SimulatorHttp.validForm());

        assertEquals(400, response.statusCode());
        assertEquals("invalid_request", json(response).get("error").asText());
        assertTrue(json(response).get("error_description").asText().startsWith("AADSTS90002:"));
    }

    @Test
    void should_answer_unsupported_grant_type_to_another_grant() {
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT,
                form("password", DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SCOPE));

        assertEquals(400, response.statusCode());
        assertEquals("unsupported_grant_type", json(response).get("error").asText());
    }

    @Test
    void should_answer_invalid_scope_to_another_resource() {
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT,
                form("client_credentials", DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, "https://graph.microsoft.com/.default"));

        assertEquals(400, response.statusCode());
        assertEquals("invalid_scope", json(response).get("error").asText());
    }

    @Test
    void should_accept_only_a_token_it_issued_until_it_expires() {
        String token = http.accessToken();
        HttpRequest.Builder request = http.jobsRequest(null).setHeader("Authorization", "Bearer " + token);

        assertEquals(200, http.send(request.build()).statusCode());
        clock.advance(Duration.ofSeconds(599));
        assertEquals(200, http.send(request.build()).statusCode());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(401, http.send(request.build()).statusCode());
    }

    @Test
    void should_reject_tokens_after_they_are_invalidated() {
        String token = http.accessToken();
        simulator.invalidateTokens();

        HttpRequest request = http.jobsRequest(null).setHeader("Authorization", "Bearer " + token).build();
        assertEquals(401, http.send(request).statusCode());
    }

    @Test
    void should_never_record_the_secret_or_the_token() {
        String token = http.accessToken();
        http.send(http.jobsRequest(null).setHeader("Authorization", "Bearer " + token).build());

        String recorded = simulator.recordedRequests().toString();
        assertFalse(recorded.contains(DEFAULT_CLIENT_SECRET));
        assertFalse(recorded.contains(token));
        assertEquals("Bearer ***", simulator.recordedRequests().get(simulator.recordedRequests().size() - 1).header("authorization"));
    }

    @Test
    void should_answer_openid_configuration_and_instance_discovery() {
        HttpResponse<String> openId = http.send(HttpRequest.newBuilder(URI.create(
                simulator.baseUrl() + "/" + DEFAULT_TENANT + "/v2.0/.well-known/openid-configuration")).build());
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(
                simulator.baseUrl() + "/common/discovery/instance?api-version=1.1&authorization_endpoint=x")).build());

        assertEquals(200, openId.statusCode());
        assertEquals(simulator.tokenUrl(), json(openId).get("token_endpoint").asText());
        assertEquals(200, discovery.statusCode());
        assertTrue(json(discovery).get("tenant_discovery_endpoint").asText().endsWith("/.well-known/openid-configuration"));
    }

    @Test
    void should_answer_like_an_entra_id_outage_and_slowly_when_told_by_its_control_endpoint() {
        HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/simulator/token-faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"delayMillis\": 300, \"unavailable\": true}")).build());
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(300, json(set).get("delayMillis").asInt());

        long t0 = System.nanoTime();
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT, SimulatorHttp.validForm());
        assertTrue(System.nanoTime() - t0 >= 300_000_000L, "answered after the delay");
        assertEquals(503, response.statusCode());
        assertEquals("temporarily_unavailable", json(response).get("error").asText());

        simulator.tokenEndpointUnavailable(false);
        simulator.delayTokenAnswers(Duration.ZERO);
        assertEquals(200, http.postToken(DEFAULT_TENANT, SimulatorHttp.validForm()).statusCode());
    }

    @Test
    void should_list_every_token_it_issued_even_after_invalidating_them() {
        String first = http.accessToken();
        simulator.invalidateTokens();
        String second = http.accessToken();
        assertEquals(java.util.Set.of(first, second), simulator.issuedTokens());
    }
}
