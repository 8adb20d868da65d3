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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor process as AKS workload identity runs it: no {@code azure.ad.*} identity or credential at all, only
 * the variables the webhook injects ({@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_AUTHORITY_HOST},
 * {@code AZURE_FEDERATED_TOKEN_FILE}). It tracks jobs to their final events, sends the token kubelet rotated into
 * the file with its next token request, and logs neither.
 */
class WorkloadIdentityTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ISSUER = "https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-000000000abc/";
    private static final String SERVICE_ACCOUNT = "system:serviceaccount:media:ams-job-monitor";

    @TempDir
    Path folder;

    @Test
    void should_track_jobs_with_the_federated_token_aks_injects_and_send_each_rotated_one() throws Exception {
        KeyPair issuer = TestCredentials.rsaKeyPair();
        Topics topics = Topics.unique();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.addFederatedCredential(ISSUER, SERVICE_ACCOUNT, issuer.getPublic());
            RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
            String first = token(issuer);
            Path tokenFile = Files.writeString(folder.resolve("azure-identity-token"), first);
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            List.of("azure.ad.authority-host", "azure.ad.tenant-id", "azure.ad.client-id", "azure.ad.client-secret")
                    .forEach(settings::remove);
            Map<String, String> injected = Map.of(
                    "AZURE_CLIENT_ID", simulator.settings().clientId(),
                    "AZURE_TENANT_ID", simulator.settings().tenant(),
                    "AZURE_AUTHORITY_HOST", simulator.baseUrl(),
                    "AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString());

            try (MonitorProcess monitor = MonitorProcess.start("workload-identity", settings, injected)
                    .awaitStarted(Duration.ofSeconds(90))) {
                String job = simulator.registerRandom(JobScenario.FINISH, Duration.ofSeconds(1));
                kafka.send(topics.jobIds(), null, job);
                assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size(),
                        "the job reaches Finished; log:\n" + monitor.tail(30));
                assertEquals(List.of(first), simulator.receivedClientAssertions());

                // kubelet rotates the token; later AMS refuses the access token, and the monitor asks for a new one
                String rotated = token(issuer);
                Files.writeString(tokenFile, rotated);
                simulator.invalidateTokens();
                String next = simulator.registerRandom(JobScenario.FINISH, Duration.ofSeconds(1));
                kafka.send(topics.jobIds(), null, next);
                assertEquals(1, kafka.consume(topics.finished(), r -> next.equals(r.key()), 1, WAIT).size(),
                        "the second job reaches Finished; log:\n" + monitor.tail(30));
                assertEquals(List.of(first, rotated), simulator.receivedClientAssertions());
                monitor.stopGracefully();

                String log = monitor.logText();
                assertTrue(log.contains("Entra ID credential of client " + simulator.settings().clientId()
                        + ": federated token read from " + tokenFile + " at each token request (workload identity)"), log);
                assertFalse(log.contains(first) || log.contains(rotated), "a federated token is in the log");
            }
        }
    }

    /** A service account token as AKS projects it: one hour of life. */
    private static String token(KeyPair issuer) {
        Instant now = Instant.now();
        return TestCredentials.federatedToken(issuer.getPrivate(), ISSUER, SERVICE_ACCOUNT, "api://AzureADTokenExchange",
                now.minusSeconds(5), now.plus(Duration.ofHours(1)));
    }
}
