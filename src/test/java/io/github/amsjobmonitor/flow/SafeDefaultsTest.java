package io.github.amsjobmonitor.flow;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.Application;
import io.github.amsjobmonitor.ams.AmsAnswerSizeCap;
import io.github.amsjobmonitor.events.KafkaHeaderFilter;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment whose application.properties holds only the required keys (a ConfigMap written by hand)
 * starts, and keeps the security defaults that live in the code (MonitorDefaults): the Kafka header
 * filter, the AMS answer cap, the management server on loopback, health details behind credentials
 * (and metrics open to Prometheus).
 */
class SafeDefaultsTest {

    private static final String DECOY_SUFFIX = "-decoy";

    @TempDir
    static Path folder;
    private static AmsSimulator simulator;
    private static KafkaTestClient kafka;
    private static Topics topics;
    private static Main main;
    private static int managementPort;

    @BeforeAll
    static void startWithOnlyTheRequiredKeys() throws Exception {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        topics = Topics.unique();
        RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
        SharedKafka.broker().createTopics(1, topics.jobIds() + DECOY_SUFFIX);
        Path file = folder.resolve("application.properties");
        Files.writeString(file, String.join("\n",
                "camel.component.kafka.brokers = " + SharedKafka.broker().bootstrapServers(),
                "ams.api-url = " + simulator.apiUrl(),
                "azure.ad.authority-host = " + simulator.baseUrl(),
                "azure.ad.tenant-id = " + simulator.settings().tenant(),
                "azure.ad.client-id = " + simulator.settings().clientId(),
                "azure.ad.client-secret = " + simulator.settings().clientSecret(), ""), StandardCharsets.UTF_8);
        main = Application.newMain();
        main.setDefaultPropertyPlaceholderLocation("file:" + file);
        // not settings under test: this test's own topics and group on the shared broker, and a free port
        Properties isolation = new Properties();
        isolation.put("monitor.topic.job-ids", topics.jobIds());
        isolation.put("monitor.topic.job-status", topics.jobStatus());
        isolation.put("monitor.topic.job-finished", topics.finished());
        isolation.put("monitor.topic.job-errored", topics.errored());
        isolation.put("monitor.topic.job-canceled", topics.canceled());
        isolation.put("monitor.topic.dead-letter", topics.deadLetter());
        isolation.put("monitor.topic.tracking", topics.tracking());
        isolation.put("monitor.topic.checks", topics.checks());
        isolation.put("monitor.group-id", "monitor-" + topics.tracking());
        managementPort = freePort();
        isolation.put("camel.management.port", String.valueOf(managementPort));
        main.setOverrideProperties(isolation);
        main.start();
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
    }

    @AfterAll
    static void stop() {
        Closing.closeAll(main == null ? null : (AutoCloseable) main::stop, kafka, simulator);
    }

    private static CamelContext camel() {
        return main.getCamelContext();
    }

    @Test
    void should_load_the_routes_folder_and_the_tuning_keys_from_the_code() {
        assertNotNull(camel().getRoute("intake"), "routes/ loaded by default");
        assertEquals("32", camel().resolvePropertyPlaceholders("{{monitor.checks.parallel}}"));
        assertEquals("15s", camel().resolvePropertyPlaceholders("{{monitor.poll.interval}}"));
    }

    @Test
    void should_filter_kafka_headers_by_default() {
        KafkaComponent component = camel().getComponent("kafka", KafkaComponent.class);
        assertInstanceOf(KafkaHeaderFilter.class, component.getConfiguration().getHeaderFilterStrategy());

        String job = simulator.registerRandom(JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
        kafka.send(topics.jobIds(), null, job.getBytes(StandardCharsets.UTF_8),
                header("kafka.OVERRIDE_TOPIC", topics.jobIds() + DECOY_SUFFIX), header("x-producer", "steer"));
        List<ConsumerRecord<String, byte[]>> events = kafka.consume(topics.jobStatus(), 1, Duration.ofSeconds(60));
        assertEquals(1, events.size(), "the job's first event, on the job-status topic");
        assertNull(events.get(0).headers().lastHeader("x-producer"));
        assertNull(events.get(0).headers().lastHeader("kafka.OVERRIDE_TOPIC"));
        assertEquals(List.of(), kafka.readAll(topics.jobIds() + DECOY_SUFFIX), "nothing written where the producer said");
    }

    @Test
    void should_cap_ams_answers_by_default() {
        HttpComponent http = camel().getComponent("http", HttpComponent.class);
        assertInstanceOf(AmsAnswerSizeCap.class, http.getHttpClientConfigurer());
        assertEquals("4MiB", camel().resolvePropertyPlaceholders("{{ams.max-answer-size}}"));
    }

    @Test
    void should_bind_the_management_server_to_loopback_only() throws Exception {
        ManagementHttpServer server = camel().hasService(ManagementHttpServer.class);
        assertNotNull(server, "the management server runs by default");
        assertEquals("127.0.0.1", server.getHost());
        assertEquals(200, get("/observe/health/live").statusCode());
        for (InetAddress address : nonLoopbackAddresses()) {
            assertThrows(IOException.class, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, managementPort), 2000);
                }
            }, "the management port answers on " + address);
        }
    }

    @Test
    void should_give_no_health_details_without_credentials() throws Exception {
        HttpResponse<String> health = get("/observe/health?exposureLevel=full&data=true&stackTrace=true");
        assertTrue(health.body().startsWith("{\"status\":"), health.body());
        for (String detail : List.of("\"data\"", "\"message\"", simulator.settings().clientId(), topics.jobIds(),
                SharedKafka.broker().bootstrapServers())) {
            assertFalse(health.body().contains(detail), detail + " in " + health.body());
        }
    }

    @Test
    void should_serve_metrics_to_prometheus_without_credentials() throws Exception {
        HttpResponse<String> metrics = get("/observe/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("monitor_jobs_tracked"), metrics.body());
        assertFalse(metrics.body().contains(simulator.settings().clientSecret()), metrics.body());
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .toList();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
