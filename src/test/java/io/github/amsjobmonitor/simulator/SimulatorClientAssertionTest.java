package io.github.amsjobmonitor.simulator;

import static io.github.amsjobmonitor.simulator.SimulatorHttp.encode;
import static io.github.amsjobmonitor.simulator.SimulatorHttp.json;
import static io.github.amsjobmonitor.simulator.SimulatorSettings.DEFAULT_CLIENT_ID;
import static io.github.amsjobmonitor.simulator.SimulatorSettings.DEFAULT_SCOPE;
import static io.github.amsjobmonitor.simulator.SimulatorSettings.DEFAULT_TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.amsjobmonitor.testsupport.TestCredentials;
import io.github.amsjobmonitor.testsupport.TestCredentials.ClientCertificate;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated Entra ID checks client assertions as Entra ID does: signature, audience, time range, issuer and subject. */
class SimulatorClientAssertionTest {

    private static final String AKS_ISSUER = "https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-000000000abc/";
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:media:ams-job-monitor";

    @TempDir
    static Path folder;
    private static ClientCertificate registered;
    private static ClientCertificate other;
    private static KeyPair issuerKeys;

    private final ManualClock clock = ManualClock.startingNow();
    private AmsSimulator simulator;
    private SimulatorHttp http;
    private String tokenEndpoint;

    @BeforeAll
    static void credentials() {
        registered = TestCredentials.clientCertificate(folder, "registered-client", 2);
        other = TestCredentials.clientCertificate(folder, "unregistered-client", 2);
        issuerKeys = TestCredentials.rsaKeyPair();
    }

    @BeforeEach
    void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults(), clock).start();
        simulator.registerClientCertificate(registered.certificate());
        simulator.addFederatedCredential(AKS_ISSUER, SERVICE_ACCOUNT, issuerKeys.getPublic());
        http = new SimulatorHttp(simulator);
        // what MSAL signs for the monitor: https, no port (see the monitor's LoopbackHttpClient)
        tokenEndpoint = "https://127.0.0.1/" + DEFAULT_TENANT + "/oauth2/v2.0/token";
    }

    @AfterEach
    void stop() {
        simulator.stop();
    }

    private HttpResponse<String> postAssertion(String assertion) {
        return http.postToken(DEFAULT_TENANT, "grant_type=client_credentials&client_id=" + encode(DEFAULT_CLIENT_ID)
                + "&client_assertion_type=" + encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + encode(assertion) + "&scope=" + encode(DEFAULT_SCOPE));
    }

    private String certificateAssertion(ClientCertificate signer, ClientCertificate named, String audience, Instant expiry) {
        return TestCredentials.certificateAssertion(signer.key(), named.certificate(), DEFAULT_CLIENT_ID, audience,
                clock.instant().minusSeconds(60), expiry);
    }

    private String federatedToken(KeyPair keys, String audience, Instant expiry) {
        return TestCredentials.federatedToken(keys.getPrivate(), AKS_ISSUER, SERVICE_ACCOUNT, audience,
                clock.instant().minusSeconds(60), expiry);
    }

    private static void assertRefused(HttpResponse<String> response, int status, String error, int code) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(error, body.get("error").asText(), response.body());
        assertTrue(body.get("error_description").asText().startsWith("AADSTS" + code + ":"), response.body());
        assertEquals(code, body.get("error_codes").get(0).asInt());
    }

    @Test
    void should_issue_a_token_for_an_assertion_signed_with_the_registered_certificate() {
        HttpResponse<String> response = postAssertion(certificateAssertion(registered, registered, tokenEndpoint,
                clock.instant().plusSeconds(600)));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).get("access_token").asText().length() >= 40);
        assertEquals(1, simulator.issuedTokenCount());
    }

    @Test
    void should_refuse_an_assertion_whose_signature_is_not_of_the_named_certificate() {
        // names the registered certificate, signed with another key
        assertRefused(postAssertion(certificateAssertion(other, registered, tokenEndpoint, clock.instant().plusSeconds(600))),
                401, "invalid_client", 700027);
        assertEquals(0, simulator.issuedTokenCount());
    }

    @Test
    void should_refuse_an_assertion_signed_with_a_certificate_not_registered_on_the_application() {
        assertRefused(postAssertion(certificateAssertion(other, other, tokenEndpoint, clock.instant().plusSeconds(600))),
                401, "invalid_client", 700027);
    }

    @Test
    void should_refuse_an_assertion_for_another_audience() {
        String anotherTenant = "https://127.0.0.1/another-tenant/oauth2/v2.0/token";
        assertRefused(postAssertion(certificateAssertion(registered, registered, anotherTenant, clock.instant().plusSeconds(600))),
                401, "invalid_client", 700023);
        assertRefused(postAssertion(certificateAssertion(registered, registered, "https://login.example.com/" + DEFAULT_TENANT
                + "/oauth2/v2.0/token", clock.instant().plusSeconds(600))), 401, "invalid_client", 700023);
    }

    @Test
    void should_refuse_an_expired_assertion() {
        String assertion = certificateAssertion(registered, registered, tokenEndpoint, clock.instant().plusSeconds(600));
        assertEquals(200, postAssertion(assertion).statusCode());

        clock.advance(Duration.ofMinutes(16)); // 10 min of life and 5 of tolerated clock skew
        assertRefused(postAssertion(assertion), 400, "invalid_client", 700024);
    }

    @Test
    void should_refuse_an_assertion_whose_subject_is_another_client() {
        String assertion = TestCredentials.certificateAssertion(registered.key(), registered.certificate(), DEFAULT_CLIENT_ID,
                tokenEndpoint, clock.instant(), clock.instant().plusSeconds(600));
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT, "grant_type=client_credentials&client_id=someone-else"
                + "&client_assertion_type=" + encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + encode(assertion) + "&scope=" + encode(DEFAULT_SCOPE));
        assertRefused(response, 401, "invalid_client", 700016);
    }

    @Test
    void should_issue_a_token_for_a_federated_token_of_a_trusted_issuer_and_subject() {
        HttpResponse<String> response = postAssertion(federatedToken(issuerKeys, "api://AzureADTokenExchange",
                clock.instant().plusSeconds(3600)));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, simulator.issuedTokenCount());
    }

    @Test
    void should_refuse_a_federated_token_for_another_audience_as_no_matching_federated_identity() {
        HttpResponse<String> response = postAssertion(federatedToken(issuerKeys, "https://kubernetes.default.svc",
                clock.instant().plusSeconds(3600)));
        assertRefused(response, 400, "invalid_request", 70021);
        assertTrue(json(response).get("error_description").asText().contains("Assertion Subject: '" + SERVICE_ACCOUNT + "'"));
    }

    @Test
    void should_refuse_a_federated_token_of_another_subject() {
        String token = TestCredentials.federatedToken(issuerKeys.getPrivate(), AKS_ISSUER, "system:serviceaccount:media:other",
                "api://AzureADTokenExchange", clock.instant(), clock.instant().plusSeconds(3600));
        assertRefused(postAssertion(token), 400, "invalid_request", 70021);
    }

    @Test
    void should_refuse_a_federated_token_not_signed_by_its_issuer() {
        assertRefused(postAssertion(federatedToken(TestCredentials.rsaKeyPair(), "api://AzureADTokenExchange",
                clock.instant().plusSeconds(3600))), 401, "invalid_client", 700027);
    }

    @Test
    void should_refuse_an_expired_federated_token() {
        assertRefused(postAssertion(federatedToken(issuerKeys, "api://AzureADTokenExchange",
                clock.instant().minus(Duration.ofHours(1)))), 400, "invalid_client", 700024);
    }

    @Test
    void should_refuse_a_token_that_is_not_a_jwt() {
        assertRefused(postAssertion("not-a-jwt"), 400, "invalid_request", 50027);
    }

    @Test
    void should_refuse_an_assertion_without_its_type() {
        String assertion = federatedToken(issuerKeys, "api://AzureADTokenExchange", clock.instant().plusSeconds(3600));
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT, "grant_type=client_credentials&client_id="
                + encode(DEFAULT_CLIENT_ID) + "&client_assertion=" + encode(assertion) + "&scope=" + encode(DEFAULT_SCOPE));
        assertRefused(response, 400, "invalid_request", 900144);
    }

    @Test
    void should_refuse_a_request_without_any_credential() {
        HttpResponse<String> response = http.postToken(DEFAULT_TENANT, "grant_type=client_credentials&client_id="
                + encode(DEFAULT_CLIENT_ID) + "&scope=" + encode(DEFAULT_SCOPE));
        assertRefused(response, 401, "invalid_client", 7000218);
    }
}
