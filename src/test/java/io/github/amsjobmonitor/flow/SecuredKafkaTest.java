package io.github.amsjobmonitor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorCertificate;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker;
import io.github.amsjobmonitor.testsupport.LocalKafkaBroker.SaslSsl;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The whole flow against a broker whose only client listener is SASL_SSL: SCRAM-SHA-512 over TLS, with a
 * self-signed certificate made for this test. The monitor gets nothing but {@code camel.component.kafka.*}
 * security settings, and every Kafka client it has (the routes', the tracking topic's Admin, the upgrade
 * from the checks topic, the tracking store) must authenticate with them.
 */
class SecuredKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String MONITOR_USER = "ams-job-monitor";
    private static final String MONITOR_PASSWORD = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));

    private static Path tls;
    private static SaslSsl saslSsl;
    private static LocalKafkaBroker broker;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startSecuredBroker() throws IOException {
        tls = Files.createTempDirectory("kafka-tls-");
        SimulatorCertificate certificate = SimulatorCertificate.forLoopback();
        String storePassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        saslSsl = new SaslSsl(
                certificate.writeKeyStore(tls.resolve("broker.p12"), storePassword), storePassword,
                certificate.writeTrustStore(tls.resolve("truststore.p12")), SimulatorCertificate.TRUSTSTORE_PASSWORD,
                Map.of(MONITOR_USER, MONITOR_PASSWORD));
        broker = LocalKafkaBroker.startSaslSsl(saslSsl);
    }

    @AfterAll
    static void stopSecuredBroker() throws IOException {
        if (broker != null) {
            broker.stop();
        }
        try (Stream<Path> files = Files.walk(tls)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void should_run_every_job_to_its_final_event_over_sasl_ssl_without_one_unauthenticated_connection() throws Exception {
        double failedBefore = broker.failedAuthentications();
        String finishing = SimulatedJob.randomId();
        String failing = SimulatedJob.randomId();
        String canceled = SimulatedJob.randomId();
        String running = SimulatedJob.randomId();
        String carriedOver = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        int port = freePort();
        ListAppender<ILoggingEvent> log = captureLogs();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = KafkaTestClient.of(broker)) {
            simulator.register(finishing, "finishes", JobScenario.FINISH, Duration.ofMillis(300));
            simulator.register(failing, "fails", JobScenario.ERROR, Duration.ofMillis(300));
            simulator.register(canceled, "is canceled", JobScenario.CANCEL, Duration.ofMillis(300));
            simulator.register(running, "runs", JobScenario.LONG_RUNNING, Duration.ofMillis(300));
            simulator.register(carriedOver, "was tracked by the previous version", JobScenario.FINISH, Duration.ofMillis(300));
            // the previous version's checks topic with one pending job: the upgrade reads it and writes it to
            // the tracking topic, the tracking store restores it from there, all over SASL_SSL
            broker.createTopics(1, topics.checks());
            // tracked a minute ago by the clock the monitor uses (the system's): a fixed date expires after 48 h
            String trackedSince = Instant.now().minusSeconds(60).toString();
            kafka.send(topics.checks(), carriedOver, "{\"jobId\":\"" + carriedOver + "\",\"trackedSince\":\"" + trackedSince + "\","
                    + "\"notFoundAttempts\":0,\"input\":\"" + carriedOver + "\"}");

            try (RunningMonitor monitor = RunningMonitor.start(securedSettings(simulator, topics, port), topics, broker)) {
                for (String job : List.of(finishing, failing, canceled, running)) {
                    kafka.send(topics.jobIds(), null, job);
                }

                assertEquals(Set.of(finishing, carriedOver), keys(kafka.consume(topics.finished(), 2, WAIT)), "finished");
                assertEquals(Set.of(failing), keys(kafka.consume(topics.errored(), 1, WAIT)), "errored");
                assertEquals(Set.of(canceled), keys(kafka.consume(topics.canceled(), 1, WAIT)), "canceled");

                // the running job is the one tracked: a real count, not NaN
                TopicWatcher.awaitOrFail(WAIT, () -> metrics(port).contains("\nmonitor_jobs_tracked 1.0"),
                        () -> "monitor_jobs_tracked: " + metrics(port).lines().filter(l -> l.startsWith("monitor_jobs_tracked")).toList());
                TopicWatcher.awaitOrFail(WAIT, () -> get(port, "/observe/health/ready").statusCode() == 200,
                        () -> "ready: " + get(port, "/observe/health/ready").body());
                assertEquals("UP", new ObjectMapper().readTree(get(port, "/observe/health").body()).path("status").asText());
            }
        } finally {
            releaseLogs(log);
        }

        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.contains("Created the tracking topic " + topics.tracking() + " with 3 partitions (compacted)"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Carried over 1 jobs tracked by the previous version from " + topics.checks())),
                lines.toString());
        List<String> trackingWarnings = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getLoggerName().startsWith("io.github.amsjobmonitor.tracking"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of(), trackingWarnings);
        assertTrue(lines.stream().noneMatch(l -> l.contains(MONITOR_PASSWORD)), "the SASL password is never logged");

        assertEquals(failedBefore, broker.failedAuthentications(), "connections that failed authentication");
        assertTrue(broker.successfulAuthentications() > 0, "the counter is live");
    }

    @Test
    void should_count_a_client_that_speaks_plaintext_to_the_secured_listener_as_failed_authentication() throws Exception {
        double failedBefore = broker.failedAuthentications();

        // what a client configured for PLAINTEXT (or SASL_PLAINTEXT) sends first: an ApiVersions request
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(apiVersionsRequest());
            out.flush();
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // the broker answers no Kafka frame and closes the connection
            }
        }

        TopicWatcher.awaitOrFail(WAIT, () -> broker.failedAuthentications() == failedBefore + 1,
                () -> "failed authentications: " + broker.failedAuthentications() + ", before " + failedBefore);
    }

    private static Map<String, String> securedSettings(AmsSimulator simulator, Topics topics, int managementPort) {
        Map<String, String> settings = RunningMonitor.settings(simulator, topics, broker);
        settings.put("camel.component.kafka.security-protocol", "SASL_SSL");
        settings.put("camel.component.kafka.sasl-mechanism", "SCRAM-SHA-512");
        settings.put("camel.component.kafka.sasl-jaas-config", saslSsl.jaasConfig(MONITOR_USER));
        settings.put("camel.component.kafka.ssl-truststore-location", saslSsl.trustStore().toString());
        settings.put("camel.component.kafka.ssl-truststore-password", saslSsl.trustStorePassword());
        settings.put("camel.component.kafka.ssl-truststore-type", "PKCS12");
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", String.valueOf(managementPort));
        // metrics need credentials or this opt-in (observe/HealthExposureTest); this test reads them without
        settings.put("monitor.observe.details-without-authentication", "true");
        return settings;
    }

    /** ApiVersions v0 with correlation id 1 and client id "plaintext-probe", as Kafka frames it (size first). */
    private static byte[] apiVersionsRequest() {
        byte[] clientId = "plaintext-probe".getBytes(StandardCharsets.UTF_8);
        int size = 2 + 2 + 4 + 2 + clientId.length;
        return ByteBuffer.allocate(4 + size).putInt(size).putShort((short) 18).putShort((short) 0).putInt(1)
                .putShort((short) clientId.length).put(clientId).array();
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(appender);
        return appender;
    }

    private static void releaseLogs(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }

    private String metrics(int port) {
        return get(port, "/observe/metrics").body();
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
