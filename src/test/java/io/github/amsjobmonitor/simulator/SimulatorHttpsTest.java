package io.github.amsjobmonitor.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator over HTTPS, seen by clients that check certificates and host names as the JVM does
 * by default. Each client here gets its own SSLContext: the test JVM's TLS settings stay untouched.
 */
class SimulatorHttpsTest {

    @TempDir
    Path dir;

    @Test
    void should_serve_the_token_endpoint_and_the_api_over_https_to_a_client_that_trusts_its_truststore() throws Exception {
        SimulatorCertificate certificate = SimulatorCertificate.forLoopback();
        Path trustStore = certificate.writeTrustStore(dir.resolve("simulator-truststore.p12"));
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).overHttps(certificate).start()) {
            assertTrue(simulator.apiUrl().startsWith("https://127.0.0.1:"), simulator.apiUrl());
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(trustStore)).build();

            HttpResponse<String> token = client.send(HttpRequest.newBuilder(URI.create(simulator.tokenUrl()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(SimulatorHttp.validForm())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode(), token.body());
            String accessToken = SimulatorHttp.JSON.readTree(token.body()).get("access_token").asText();

            HttpResponse<String> jobs = client.send(HttpRequest.newBuilder(URI.create(simulator.apiUrl() + "Jobs()"))
                    .header("Authorization", "Bearer " + accessToken).header("x-ms-version", "2.19")
                    .header("Accept", "application/json").header("DataServiceVersion", "1.0;NetFx")
                    .header("MaxDataServiceVersion", "3.0;NetFx").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, jobs.statusCode(), jobs.body());
        }
    }

    @Test
    void should_be_refused_by_a_client_that_keeps_the_jvm_default_trust() {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).overHttps(SimulatorCertificate.forLoopback()).start()) {
            HttpClient client = HttpClient.newHttpClient();
            SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, () -> client.send(
                    HttpRequest.newBuilder(URI.create(simulator.tokenUrl())).GET().build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(String.valueOf(refused.getMessage()).contains("PKIX"), refused.getMessage());
            assertEquals(0, simulator.tokenRequestCount(), "no request got through");
        }
    }

    @Test
    void should_be_refused_when_its_trusted_certificate_names_another_host() throws Exception {
        SimulatorCertificate elsewhere = SimulatorCertificate.generate("dns:elsewhere.example");
        Path trustStore = elsewhere.writeTrustStore(dir.resolve("elsewhere-truststore.p12"));
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).overHttps(elsewhere).start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(trustStore)).build();
            SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, () -> client.send(
                    HttpRequest.newBuilder(URI.create(simulator.tokenUrl())).GET().build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(String.valueOf(refused.getMessage()).contains("127.0.0.1"), refused.getMessage());
            assertEquals(0, simulator.tokenRequestCount(), "no request got through");
        }
    }

    @Test
    void should_write_its_certificate_as_pem_for_other_tools() {
        SimulatorCertificate certificate = SimulatorCertificate.forLoopback();
        Path pem = certificate.writePem(dir.resolve("simulator.pem"));
        String text = assertDoesNotThrowReading(pem);
        assertTrue(text.startsWith("-----BEGIN CERTIFICATE-----\n") && text.endsWith("-----END CERTIFICATE-----\n"), text);
    }

    @Test
    void should_answer_api_requests_with_a_301_to_another_host_when_told_to() throws Exception {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).start()) {
            simulator.redirectApiTo("https://evil.example.com/api/");
            HttpResponse<String> moved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(simulator.apiUrl() + "Jobs()?$top=1")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(301, moved.statusCode());
            assertEquals("https://evil.example.com/api/Jobs()?$top=1", moved.headers().firstValue("Location").orElse(null));
            simulator.redirectApiTo(null);
            assertEquals(401, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(simulator.apiUrl() + "Jobs()"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "served again (no token: 401)");
        }
    }

    private static SSLContext trusting(Path trustStore) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, SimulatorCertificate.TRUSTSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String assertDoesNotThrowReading(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
