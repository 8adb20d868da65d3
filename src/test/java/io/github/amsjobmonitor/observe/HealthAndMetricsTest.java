package io.github.amsjobmonitor.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped configuration serves Camel's health and Prometheus metrics on the management port. */
class HealthAndMetricsTest {

    @Test
    void should_serve_health_and_prometheus_metrics() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String job = SimulatedJob.randomId();
        Topics topics = Topics.unique();
        HttpClient http = HttpClient.newHttpClient();
        try (AmsSimulator simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
             KafkaTestClient kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            simulator.register(job, "x", JobScenario.LONG_RUNNING, Duration.ofSeconds(1));
            Map<String, String> settings = RunningMonitor.settings(simulator, topics);
            settings.put("camel.management.enabled", "true");
            settings.put("camel.management.port", String.valueOf(port));
            try (RunningMonitor monitor = RunningMonitor.start(settings, topics)) {
                kafka.send(topics.jobIds(), null, job);
                assertEquals(1, kafka.consume(topics.jobStatus(), 1, Duration.ofSeconds(30)).size());

                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body());
                assertTrue(health.body().contains("\"status\": \"UP\"") || health.body().contains("\"status\":\"UP\""), health.body());

                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("camel_exchanges_total"), "route exchange counters");
                assertTrue(metrics.body().contains("routeId=\"check-job\""), "per-route series");
            }
        }
    }
}
