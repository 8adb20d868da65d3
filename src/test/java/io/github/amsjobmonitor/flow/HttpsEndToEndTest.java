package io.github.amsjobmonitor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.RecordedRequest;
import io.github.amsjobmonitor.simulator.SimulatorCertificate;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.MonitorProcess;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real cloud's code path, against the simulator over HTTPS: MSAL4J's own HTTPS client for the
 * token and camel-http for the AMS calls, with the JVM's normal certificate and hostname checks.
 * The monitor runs as its own process, trusting the simulator's certificate only through the
 * standard {@code javax.net.ssl.trustStore} properties (the test JVM's TLS settings stay as they are).
 */
class HttpsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration START = Duration.ofSeconds(90);

    @Test
    void should_track_a_job_to_its_end_with_the_token_and_the_ams_calls_over_verified_https() {
        SimulatorCertificate certificate = SimulatorCertificate.forLoopback();
        Path trustStore = certificate.writeTrustStore(folder().resolve("simulator-truststore.p12"));
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).overHttps(certificate).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            Topics topics = Topics.unique();
            Map<String, String> settings = settingsTrusting(simulator, topics, trustStore);
            assertTrue(settings.get("ams.api-url").startsWith("https://127.0.0.1:"), settings.get("ams.api-url"));
            assertTrue(settings.get("azure.ad.authority-host").startsWith("https://127.0.0.1:"));
            try (MonitorProcess monitor = MonitorProcess.start("https-trusted", settings).awaitStarted(START)) {
                // registered once the monitor runs, so that it takes several checks (some seconds) to finish
                String job = simulator.registerRandom(JobScenario.FINISH, Duration.ofSeconds(2));
                kafka.send(topics.jobIds(), null, job);

                assertEquals(1, kafka.consume(topics.finished(), r -> job.equals(r.key()), 1, WAIT).size(),
                        "Finished over HTTPS; the monitor's log ends with:\n" + monitor.tail(30));
                List<RecordedRequest> requests = simulator.recordedRequests();
                assertTrue(requests.stream().anyMatch(r -> r.pathAndQuery().contains("/oauth2/v2.0/token") && r.status() == 200),
                        "a token over HTTPS: " + requests);
                assertTrue(requests.stream().filter(r -> r.pathAndQuery().contains("Jobs()") && r.status() == 200).count() >= 2,
                        "the checks over HTTPS: " + requests);
                // the authority has a port, which defeats MSAL's cache: the monitor's own copy of the token still holds
                assertEquals(1, simulator.tokenRequestCount(), "one token for every check");
            }
        }
    }

    @Test
    void should_get_no_token_and_publish_nothing_when_the_jvm_does_not_trust_the_certificate() {
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).overHttps(SimulatorCertificate.forLoopback()).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            Topics topics = Topics.unique();
            RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
            try (MonitorProcess monitor = MonitorProcess.start("https-untrusted", RunningMonitor.settings(simulator, topics))
                    .awaitStarted(START)) {
                String job = trackedAndRefused(simulator, kafka, topics, monitor, "PKIX path building failed");
                assertNothingReached(simulator, kafka, topics, job);
            }
        }
    }

    @Test
    void should_refuse_a_trusted_certificate_that_names_another_host() {
        SimulatorCertificate elsewhere = SimulatorCertificate.generate("dns:elsewhere.example");
        Path trustStore = elsewhere.writeTrustStore(folder().resolve("elsewhere-truststore.p12"));
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults()).overHttps(elsewhere).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            Topics topics = Topics.unique();
            try (MonitorProcess monitor = MonitorProcess.start("https-wrong-host", settingsTrusting(simulator, topics, trustStore))
                    .awaitStarted(START)) {
                String job = trackedAndRefused(simulator, kafka, topics, monitor, "No subject alternative");
                assertNothingReached(simulator, kafka, topics, job);
            }
        }
    }

    private static Map<String, String> settingsTrusting(AmsSimulator simulator, Topics topics, Path trustStore) {
        RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("javax.net.ssl.trustStore", trustStore.toString());
        settings.put("javax.net.ssl.trustStorePassword", SimulatorCertificate.TRUSTSTORE_PASSWORD);
        return settings;
    }

    /** Sends a job and waits until the monitor has failed its check at least twice with {@code tlsError}. */
    private static String trackedAndRefused(AmsSimulator simulator, KafkaTestClient kafka, Topics topics, MonitorProcess monitor,
                                            String tlsError) {
        String job = simulator.registerRandom(JobScenario.FINISH, Duration.ofMillis(500));
        kafka.send(topics.jobIds(), null, job);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (monitor.logLines(tlsError).size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no check failed with '" + tlsError + "' within " + WAIT + "; the log ends with:\n"
                        + monitor.tail(30));
            }
            pause();
        }
        return job;
    }

    private static void assertNothingReached(AmsSimulator simulator, KafkaTestClient kafka, Topics topics, String job) {
        assertEquals(0, simulator.tokenRequestCount(), "the TLS handshake failed before any token request");
        assertEquals(0, simulator.jobsRequestCount(), "no AMS call without a token");
        assertFalse(kafka.readAll(topics.jobStatus()).stream().anyMatch(r -> job.equals(r.key())), "nothing published");
        assertFalse(kafka.readAll(topics.deadLetter()).stream().anyMatch(r -> job.equals(r.key())), "the job stays tracked");
    }

    private static Path folder() {
        return MonitorProcess.projectRoot().resolve("target/https-end-to-end");
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
