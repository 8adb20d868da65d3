package io.github.amsjobmonitor.routes;

import static io.github.amsjobmonitor.routes.RouteReloadTest.await;
import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RouteFolder;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * Each kind of broken edit is refused while the monitor runs: one WARN line naming the file and
 * what is wrong, the previous routes go on serving (a job sent after the refusal gets its events),
 * the health check routes-reload and the reload counters show the refusal. Putting the file back
 * is a valid change again and applies.
 */
class RouteRefusalTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int port;

    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;
    private static RouteFolder routes;
    private static List<String> routeIds;
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void start() {
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        topics = Topics.unique();
        routes = RouteFolder.copyOfShippedRoutes();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        routes.useIn(settings);
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", String.valueOf(port));
        // every check with its details, also when all are UP (the test reads them without credentials)
        settings.put("camel.health.exposure-level", "full");
        settings.put("monitor.observe.details-without-authentication", "true");
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());
        routeIds = monitor.context().getRoutes().stream().map(r -> r.getRouteId()).sorted().toList();
        LOG.start();
        ((Logger) LoggerFactory.getLogger("io.github.amsjobmonitor.routes-reload")).addAppender(LOG);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger("io.github.amsjobmonitor.routes-reload")).detachAppender(LOG);
        if (monitor != null) {
            monitor.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            invalid YAML          | read-tasks.camel.yaml      | '    shutdownRoute: Defer\n'   | '    shutdownRoute: Defer\n    bad: [unclosed\n'   | read-tasks.camel.yaml:12: not valid YAML
            schema violation      | remember-job.camel.yaml    | '              - removeHeaders:' | '              - removeHeaderz:'                           | remember-job.camel.yaml:21: does not follow the YAML DSL schema
            unknown endpoint      | publish-status.camel.yaml  | '            uri: kafka\n'     | '            uri: kafak\n'                                  | publish-status.camel.yaml:26: route publish-status: No endpoint could be found for: kafak
            unknown bean          | check-job.camel.yaml       | '              ref: jobTracker\n' | '              ref: jobTrackers\n'                        | check-job.camel.yaml:24: route check-job: No bean could be found in the registry for: jobTrackers
            unknown option        | dead-letter-job.camel.yaml | 'topic: "{{monitor.topic.dead-letter}}"\n' | 'topic: "{{monitor.topic.dead-letter}}"\n              noSuchOption: 1\n' | Unknown parameters=[{noSuchOption=1}]
            emptied file          | publish-progress.camel.yaml | '- route:'                     | '# - route:'                                                | publish-progress.camel.yaml: defines no route
            """)
    void should_refuse_a_broken_edit_and_keep_the_previous_routes_serving(String kind, String file, String from, String to,
                                                                           String expected) throws Exception {
        RouteReloadStatus status = RouteReloadTest.statusOf(monitor);
        long refusedBefore = status.refusedCount();
        long appliedBefore = status.appliedCount();
        int linesBefore = LOG.list.size();
        String original = routes.read(file);

        try {
            routes.replace(file, from.replace("\\n", "\n"), to.replace("\\n", "\n"));
            await(kind + " refused", () -> status.refusedCount() == refusedBefore + 1);

            RouteProblem refusal = status.lastRefusal();
            assertTrue(refusal.toString().contains(expected), refusal.toString());
            assertTrue(refusal.file().endsWith(file), refusal.file());
            List<ILoggingEvent> lines = LOG.list.subList(linesBefore, LOG.list.size());
            assertEquals(1, lines.size(), "one line per refusal: " + lines);
            assertEquals(Level.WARN, lines.get(0).getLevel());
            assertTrue(lines.get(0).getFormattedMessage().contains(expected), lines.get(0).getFormattedMessage());

            assertEquals(routeIds, monitor.context().getRoutes().stream().map(r -> r.getRouteId()).sorted().toList());
            for (String id : routeIds) {
                assertEquals(ServiceStatus.Started, monitor.context().getRouteController().getRouteStatus(id), id);
            }
            String job = simulator.registerRandom(JobScenario.LONG_RUNNING, Duration.ofHours(1));
            kafka.send(topics.jobIds(), null, job);
            List<ConsumerRecord<String, byte[]>> events = kafka.consume(topics.jobStatus(),
                    r -> job.equals(r.key()) && header(r, "ce_id") != null, 1, WAIT);
            assertEquals(1, events.size(), "the previous routes did not track " + job + " after the refusal");

            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health?data=true")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            JsonNode check = StreamSupport.stream(JSON.readTree(health.body()).path("checks").spliterator(), false)
                    .filter(c -> c.path("name").asText().equals("routes-reload")).findFirst()
                    .orElseThrow(() -> new AssertionError("no routes-reload check in " + health.body()));
            assertEquals("UP", check.path("status").asText(), health.body());
            assertEquals(refusal.file(), check.path("data").path("last-refusal.file").asText(), health.body());
            assertEquals(refusal.message(), check.path("data").path("last-refusal.reason").asText(), health.body());
            assertEquals(refusedBefore + 1, check.path("data").path("reloads.refused").asLong(), health.body());

            MeterRegistry meters = monitor.context().getRegistry().findSingleByType(MeterRegistry.class);
            assertNotNull(meters, "no Micrometer registry");
            assertEquals(refusedBefore + 1, meters.get(RouteReloadStatus.METRIC).tag("outcome", "refused").functionCounter().count());
        } finally {
            // putting the file back is a valid change: it applies (and the next case starts from the shipped routes)
            routes.write(file, original);
            await("the original " + file + " applied again", () -> status.appliedCount() == appliedBefore + 1);
        }
        MeterRegistry meters = monitor.context().getRegistry().findSingleByType(MeterRegistry.class);
        assertEquals(appliedBefore + 1, meters.get(RouteReloadStatus.METRIC).tag("outcome", "applied").functionCounter().count());
    }
}
