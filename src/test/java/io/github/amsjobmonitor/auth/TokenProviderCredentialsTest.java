package io.github.amsjobmonitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.TestCredentials;
import io.github.amsjobmonitor.testsupport.TestCredentials.ClientCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor gets a token from the simulated Entra ID with each kind of credential, through MSAL, as in production. */
class TokenProviderCredentialsTest {

    private static final String ISSUER = "https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-000000000abc/";
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:media:ams-job-monitor";

    @TempDir
    static Path folder;
    private static ClientCertificate registered;
    private static ClientCertificate unregistered;
    private static KeyPair issuerKeys;

    private final ManualClock clock = ManualClock.startingNow();
    private final Map<String, String> settings = new HashMap<>();
    private AmsSimulator simulator;

    @BeforeAll
    static void credentials() {
        registered = TestCredentials.clientCertificate(folder, "registered-client", 2);
        unregistered = TestCredentials.clientCertificate(folder, "unregistered-client", 2);
        issuerKeys = TestCredentials.rsaKeyPair();
    }

    @BeforeEach
    void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        simulator.registerClientCertificate(registered.certificate());
        simulator.addFederatedCredential(ISSUER, SERVICE_ACCOUNT, issuerKeys.getPublic());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private TokenProvider provider() {
        SimulatorSettings simulated = simulator.settings();
        ClientCredentials credentials = ClientCredentials.from(EntraSettings.read(settings::get, Map.of()), clock);
        return new TokenProvider(simulator.baseUrl(), simulated.tenant(), simulated.clientId(), credentials.credential(),
                simulated.scope(), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30),
                clock);
    }

    private String federatedToken(Instant expiry) {
        return TestCredentials.federatedToken(issuerKeys.getPrivate(), ISSUER, SERVICE_ACCOUNT, "api://AzureADTokenExchange",
                expiry.minus(Duration.ofHours(2)), expiry);
    }

    private static JsonNode header(String jwt) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))));
    }

    @Test
    void should_get_a_token_with_a_pem_client_certificate_sending_its_thumbprint_and_chain() throws Exception {
        settings.put("azure.ad.client-certificate-path", registered.pemKeyAndChain().toString());
        TokenProvider tokens = provider();

        assertTrue(tokens.authorizationHeader().startsWith("Bearer "));
        assertEquals(1, simulator.issuedTokenCount());
        JsonNode header = header(simulator.receivedClientAssertions().get(0));
        assertEquals("RS256", header.get("alg").asText());
        assertTrue(header.has("x5t#S256"), header.toString());
        // MSAL's sendX5c, on by default and kept: the public chain, for subject name + issuer authentication
        assertEquals(Base64.getEncoder().encodeToString(registered.certificate().getEncoded()), header.get("x5c").get(0).asText());
    }

    @Test
    void should_get_a_token_with_a_pem_certificate_and_key_in_two_files() {
        settings.put("azure.ad.client-certificate-path", registered.pemChain().toString());
        settings.put("azure.ad.client-certificate-key-path", registered.pemKey().toString());
        assertTrue(provider().authorizationHeader().startsWith("Bearer "));
    }

    @Test
    void should_get_a_token_with_a_pkcs12_client_certificate() {
        settings.put("azure.ad.client-certificate-path", registered.pkcs12().toString());
        settings.put("azure.ad.client-certificate-password", registered.password());
        assertTrue(provider().authorizationHeader().startsWith("Bearer "));
        assertEquals(1, simulator.issuedTokenCount());
    }

    @Test
    void should_have_a_certificate_that_is_not_registered_refused_for_good() {
        settings.put("azure.ad.client-certificate-path", unregistered.pemKeyAndChain().toString());
        TokenProvider tokens = provider();

        CredentialsRefusedException e = assertThrows(CredentialsRefusedException.class, tokens::accessToken);
        assertEquals("invalid_client", e.getErrorCode());
        assertTrue(e.getMessage().contains("AADSTS700027"), e.getMessage());
        assertTrue(tokens.credentialsRefused());
    }

    @Test
    void should_get_a_token_with_a_secret_file_and_use_the_secret_it_holds_after_a_rotation() throws Exception {
        Path file = Files.writeString(folder.resolve("client-secret-" + System.nanoTime()),
                SimulatorSettings.DEFAULT_CLIENT_SECRET + "\n");
        settings.put("azure.ad.client-secret-file", file.toString());
        TokenProvider tokens = provider();
        String first = tokens.authorizationHeader();

        // the secret is rotated in Entra ID and in the secret volume; the old token is then refused by AMS
        simulator.changeClientSecret("rotated-secret");
        Files.writeString(file, "rotated-secret\n");
        tokens.renewAfterRejection(first);

        assertNotEquals(first, tokens.authorizationHeader());
        assertEquals(2, simulator.issuedTokenCount());
        assertFalse(tokens.credentialsRefused());
    }

    @Test
    void should_get_a_token_with_a_federated_token_file() throws Exception {
        String token = federatedToken(Instant.now().plusSeconds(3600));
        Path file = Files.writeString(folder.resolve("azure-identity-token-" + System.nanoTime()), token);
        settings.put("azure.ad.federated-token-file", file.toString());

        assertTrue(provider().authorizationHeader().startsWith("Bearer "));
        assertEquals(List.of(token), simulator.receivedClientAssertions());
    }

    @Test
    void should_send_the_rotated_federated_token_with_the_next_token_request() throws Exception {
        Path file = Files.writeString(folder.resolve("azure-identity-token-" + System.nanoTime()),
                federatedToken(Instant.now().plusSeconds(3600)));
        settings.put("azure.ad.federated-token-file", file.toString());
        TokenProvider tokens = provider();
        String first = tokens.authorizationHeader();

        // kubelet rotates the projected token (at 80 % of its life); AMS then refuses the access token
        String rotated = federatedToken(Instant.now().plusSeconds(7200));
        Files.writeString(file, rotated);
        tokens.renewAfterRejection(first);

        assertNotEquals(first, tokens.authorizationHeader());
        List<String> received = simulator.receivedClientAssertions();
        assertEquals(2, received.size());
        assertEquals(rotated, received.get(1));
    }

    @Test
    void should_have_an_expired_federated_token_refused_for_good() throws Exception {
        Path file = Files.writeString(folder.resolve("azure-identity-token-" + System.nanoTime()),
                federatedToken(Instant.now().minus(Duration.ofHours(1))));
        settings.put("azure.ad.federated-token-file", file.toString());
        TokenProvider tokens = provider();

        // invalid_client, as Entra ID answers it: refused for good, like a wrong secret
        CredentialsRefusedException e = assertThrows(CredentialsRefusedException.class, tokens::accessToken);
        assertEquals("invalid_client", e.getErrorCode());
        assertTrue(e.getMessage().contains("AADSTS700024"), e.getMessage());
        assertTrue(tokens.credentialsRefused());
        assertEquals(0, simulator.issuedTokenCount());
    }

    @Test
    void should_fail_a_token_request_but_not_for_good_while_the_federated_token_file_is_missing() throws Exception {
        Path file = Files.writeString(folder.resolve("azure-identity-token-" + System.nanoTime()),
                federatedToken(Instant.now().plusSeconds(3600)));
        settings.put("azure.ad.federated-token-file", file.toString());
        TokenProvider tokens = provider();
        Files.delete(file);

        TokenUnavailableException e = assertThrows(TokenUnavailableException.class, tokens::accessToken);
        assertTrue(e.getMessage().contains("federated token file " + file + " cannot be read"), e.getMessage());
        assertFalse(tokens.credentialsRefused());
        assertEquals(0, simulator.tokenRequestCount());

        // the file is back (a new projection): the next request after the backoff succeeds
        Files.writeString(file, federatedToken(Instant.now().plusSeconds(3600)));
        clock.advance(Duration.ofSeconds(2));
        assertTrue(tokens.authorizationHeader().startsWith("Bearer "));
    }
}
