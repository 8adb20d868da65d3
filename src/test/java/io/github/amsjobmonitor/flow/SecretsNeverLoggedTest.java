package io.github.amsjobmonitor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TestCredentials;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every logger turned up (the shipped logback.xml with each level set to DEBUG, Apache HttpClient and MSAL4J
 * at TRACE), a job tracked to Finished with tokens renewed on every call and invalidated once, and a rejected
 * record: neither the client secret nor any token Entra ID issued appears in the log or in any record of any
 * topic; nor, with a certificate or a federated token instead, the certificate password or any client assertion.
 * What it cannot see: JDK-internal logging (java.net.http, JUL) that does not go through SLF4J.
 */
class SecretsNeverLoggedTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void should_keep_the_secret_and_every_token_out_of_logs_and_records_at_debug() throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        SimulatorSettings defaults = SimulatorSettings.defaults();
        // 200 s tokens are inside the 300 s renewal margin: every AMS call fetches a new token
        SimulatorSettings simulated = defaults.withPort(0).withCredentials(defaults.tenant(), defaults.clientId(), secret)
                .withTokenLifetime(Duration.ofSeconds(200));
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(simulated).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("logback.configurationFile", everythingAtDebug().toString());

            try (MonitorProcess monitor = MonitorProcess.start("secrets-at-debug", settings).awaitStarted(Duration.ofSeconds(90))) {
                kafka.send(topics.jobIds(), null, "not a job id");
                assertEquals(1, kafka.consume(topics.deadLetter(), 1, WAIT).size(), "the rejected record");
                // registered once intake runs, so that it takes several checks (some seconds) to finish
                String job = simulator.registerRandom(JobScenario.FINISH, Duration.ofSeconds(2));
                kafka.send(topics.jobIds(), null, job);
                kafka.consume(topics.jobStatus(), r -> job.equals(r.key()), 1, WAIT);
                simulator.invalidateTokens();
                assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size(),
                        "the job reaches Finished; log:\n" + monitor.tail(20));
                monitor.stopGracefully();

                Set<String> tokens = simulator.issuedTokens();
                assertTrue(tokens.size() >= 3, tokens.size() + " tokens issued");
                String log = monitor.logText();
                // the loggers that write credentials did write: what they wrote was masked
                assertTrue(log.contains("Authorization: Bearer ***"), "HttpClient's header log is on and masked");
                assertFalse(log.contains(secret), "the client secret is in the log");
                for (String token : tokens) {
                    assertFalse(log.contains(token), "an issued token is in the log");
                }
                List<String> leaks = new ArrayList<>();
                for (String topic : topics.all()) {
                    for (ConsumerRecord<String, byte[]> record : kafka.readAll(topic)) {
                        StringBuilder text = new StringBuilder(String.valueOf(record.key()))
                                .append(new String(record.value() == null ? new byte[0] : record.value(), StandardCharsets.UTF_8));
                        for (Header header : record.headers()) {
                            text.append(header.key()).append(new String(header.value(), StandardCharsets.UTF_8));
                        }
                        if (text.indexOf(secret) >= 0 || tokens.stream().anyMatch(t -> text.indexOf(t) >= 0)
                                || text.indexOf("Bearer") >= 0) {
                            leaks.add(topic + "@" + record.offset());
                        }
                    }
                }
                assertEquals(List.of(), leaks, "records holding a credential");
            }
        }
    }

    @Test
    void should_keep_the_certificate_password_and_federated_tokens_out_of_logs_at_debug(@TempDir Path folder) throws Exception {
        TestCredentials.ClientCertificate certificate = TestCredentials.clientCertificate(folder, "debug-client", 2);
        KeyPair issuer = TestCredentials.rsaKeyPair();
        String federatedIssuer = "https://oidc.prod-aks.azure.com/debug/";
        String serviceAccount = "system:serviceaccount:media:ams-job-monitor";
        Instant now = Instant.now();
        String federatedToken = TestCredentials.federatedToken(issuer.getPrivate(), federatedIssuer, serviceAccount,
                "api://AzureADTokenExchange", now.minusSeconds(5), now.plus(Duration.ofHours(1)));
        Path tokenFile = Files.writeString(folder.resolve("azure-identity-token"), federatedToken);
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)
                .withTokenLifetime(Duration.ofSeconds(200))).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.registerClientCertificate(certificate.certificate());
            simulator.addFederatedCredential(federatedIssuer, serviceAccount, issuer.getPublic());
            RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.remove("azure.ad.client-secret");
            settings.put("logback.configurationFile", everythingAtDebug().toString());
            // two monitors one after the other: a PKCS#12 certificate (password as a variable), then a federated token
            Map<String, String> pkcs12 = new java.util.HashMap<>(settings);
            pkcs12.put("azure.ad.client-certificate-path", certificate.pkcs12().toString());
            Map<String, String> federated = new java.util.HashMap<>(settings);
            federated.put("azure.ad.federated-token-file", tokenFile.toString());
            String pkcs12Log = trackOneJob("secrets-at-debug-pkcs12", pkcs12,
                    Map.of("AZURE_AD_CLIENT_CERTIFICATE_PASSWORD", certificate.password()), simulator, kafka, topics);
            String federatedLog = trackOneJob("secrets-at-debug-federated", federated, Map.of(), simulator, kafka, topics);

            List<String> assertions = simulator.receivedClientAssertions();
            assertTrue(assertions.contains(federatedToken), "the federated token was sent");
            assertTrue(assertions.size() >= 4, assertions.size() + " assertions (tokens renewed on every call)");
            for (String log : List.of(pkcs12Log, federatedLog)) {
                assertFalse(log.contains(certificate.password()), "the certificate password is in the log");
                for (String assertion : assertions) {
                    assertFalse(log.contains(assertion), "a client assertion is in the log");
                }
                for (String token : simulator.issuedTokens()) {
                    assertFalse(log.contains(token), "an issued token is in the log");
                }
            }
        }
    }

    /** Starts a monitor, tracks one job to Finished, stops it; returns its log. */
    private static String trackOneJob(String name, Map<String, String> settings, Map<String, String> environment,
                                      AmsSimulator simulator, KafkaTestClient kafka, Topics topics) {
        try (MonitorProcess monitor = MonitorProcess.start(name, settings, environment).awaitStarted(Duration.ofSeconds(90))) {
            String job = simulator.registerRandom(JobScenario.FINISH, Duration.ofSeconds(1));
            kafka.send(topics.jobIds(), null, job);
            assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size(),
                    "the job reaches Finished; log:\n" + monitor.tail(20));
            monitor.stopGracefully();
            return monitor.logText();
        }
    }

    /** The shipped logback.xml with every level at DEBUG (its caps too) and HttpClient and MSAL4J at TRACE. */
    private static Path everythingAtDebug() throws Exception {
        String shipped;
        try (InputStream in = SecretsNeverLoggedTest.class.getResourceAsStream("/logback.xml")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String debug = shipped.replaceAll("level=\"[A-Z]+\"", "level=\"DEBUG\"")
                .replace("<root ", "<logger name=\"org.apache.hc\" level=\"TRACE\"/>\n"
                        + "  <logger name=\"com.microsoft.aad.msal4j\" level=\"TRACE\"/>\n  <root ");
        Path file = MonitorProcess.projectRoot().resolve("target/monitor-processes/logback-everything-at-debug.xml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, debug);
        return file;
    }
}
