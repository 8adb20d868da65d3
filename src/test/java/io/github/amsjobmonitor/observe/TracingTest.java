package io.github.amsjobmonitor.observe;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.Application;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import io.github.amsjobmonitor.testsupport.TopicWatcher;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces on (monitor.tracing.enabled), spans kept by the OpenTelemetry SDK's in-memory exporter: a
 * span for each AMS request and each event write; a producer's well-formed traceparent reaches the
 * job's events as ce_traceparent, a malformed one is dropped and the job tracked all the same.
 */
class TracingTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /** Well formed but for the all-zero trace id, which W3C trace context forbids. */
    private static final String MALFORMED = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
    private static final String TRACED = SimulatedJob.randomId();
    private static final String UNTRACED = SimulatedJob.randomId();
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Set<String> CLOUD_EVENT_HEADERS = Set.of("ce_specversion", "ce_id", "ce_source", "ce_type",
            "ce_subject", "ce_time", "content-type");

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk openTelemetry;
    private static AmsSimulator simulator;
    private static Main monitor;
    private static KafkaTestClient kafka;
    private static TopicWatcher watcher;
    private static Topics topics;

    @BeforeAll
    static void startTracedAndSendTwoJobs() throws Exception {
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0)).start();
        simulator.register(TRACED, "traced", JobScenario.FINISH, Duration.ofMillis(300));
        simulator.register(UNTRACED, "untraced", JobScenario.FINISH, Duration.ofMillis(300));
        topics = Topics.unique();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        settings.put("monitor.tracing.enabled", "true");
        RunningMonitor.createPublicTopics(SharedKafka.broker(), topics);
        // as RunningMonitor starts it, with the in-memory SDK bound for the tracer to use
        monitor = Application.newMain();
        Properties overrides = new Properties();
        overrides.putAll(settings);
        monitor.setOverrideProperties(overrides);
        monitor.bind("openTelemetry", openTelemetry);
        monitor.start();
        watcher = new TopicWatcher(SharedKafka.broker().bootstrapServers(), List.of(topics.jobStatus(), topics.finished()));
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());

        kafka.send(topics.jobIds(), null, TRACED, header("traceparent", TRACEPARENT));
        kafka.send(topics.jobIds(), null, UNTRACED, header("traceparent", MALFORMED));
        TopicWatcher.awaitOrFail(WAIT, () -> watcher.on(topics.finished()).size() == 2,
                () -> "not both final events: " + watcher.all());
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.stop();
        }
        Closing.closeAll(watcher, kafka, simulator);
        if (openTelemetry != null) {
            openTelemetry.close();
        }
    }

    @Test
    void should_carry_the_producers_traceparent_on_every_event_of_its_job() {
        List<ConsumerRecord<String, byte[]>> events = eventsOf(TRACED);
        assertTrue(events.size() >= 2, "job-status and job-finished: " + events);
        for (ConsumerRecord<String, byte[]> event : events) {
            assertEquals(TRACEPARENT, header(event, "ce_traceparent"), event.toString());
            assertEquals(withTraceparent(), headerNames(event), "no other header, the monitor's own trace header neither");
        }
    }

    @Test
    void should_drop_a_malformed_traceparent_and_track_the_job_all_the_same() {
        List<ConsumerRecord<String, byte[]>> events = eventsOf(UNTRACED);
        assertTrue(events.stream().anyMatch(e -> e.topic().equals(topics.finished())), "tracked to its end: " + events);
        for (ConsumerRecord<String, byte[]> event : events) {
            assertNull(header(event, "ce_traceparent"), event.toString());
            assertEquals(new TreeSet<>(CLOUD_EVENT_HEADERS), headerNames(event), event.toString());
        }
    }

    @Test
    void should_make_a_span_for_each_ams_request() {
        List<SpanData> requests = SPANS.getFinishedSpanItems().stream()
                .filter(s -> "GET".equals(s.getName()) && attribute(s, "http.url").startsWith(simulator.apiUrl()))
                .toList();
        assertFalse(requests.isEmpty(), "no AMS request span among " + names());
        assertTrue(requests.stream().anyMatch(s -> attribute(s, "http.url").contains("Jobs()")), "no Jobs() request: " + requests);
        assertTrue(requests.stream().allMatch(s -> "200".equals(attribute(s, "http.status_code"))), requests.toString());
    }

    @Test
    void should_make_a_span_for_each_event_write() {
        for (String job : List.of(TRACED, UNTRACED)) {
            for (String topic : List.of(topics.jobStatus(), topics.finished())) {
                long written = eventsOf(job).stream().filter(e -> e.topic().equals(topic)).count();
                long spans = SPANS.getFinishedSpanItems().stream()
                        .filter(s -> topic.equals(attribute(s, "messaging.destination.name")) && job.equals(attribute(s, "kafka.key"))
                                && "EVENT_SENT".equals(attribute(s, "op")))
                        .count();
                assertTrue(written > 0, topic);
                assertEquals(written, spans, job + " on " + topic + ": " + names());
            }
        }
    }

    @Test
    void should_link_the_traced_jobs_event_writes_to_the_producers_trace() {
        List<SpanData> linked = SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getLinks().stream().anyMatch(l -> l.getSpanContext().getTraceId().equals(TRACEPARENT.substring(3, 35))
                        && l.getSpanContext().getSpanId().equals(TRACEPARENT.substring(36, 52)) && l.getSpanContext().isRemote()))
                .toList();
        long statusEvents = eventsOf(TRACED).stream().filter(e -> e.topic().equals(topics.jobStatus())).count();
        assertTrue(statusEvents > 0);
        assertEquals(statusEvents, linked.stream().filter(span -> span.getName().equals("publish-status")).count(),
                "one per state change of the traced job: " + names());
        assertTrue(linked.stream().allMatch(span -> Set.of("publish-status", "publish-progress").contains(span.getName())),
                "event writes only: " + linked);
        assertTrue(SPANS.getFinishedSpanItems().stream().filter(s -> !linked.contains(s)).allMatch(s -> s.getLinks().isEmpty()),
                "no other span is linked (the malformed traceparent's job neither)");
    }

    @Test
    void should_not_trace_the_schedules_tick() {
        assertTrue(SPANS.getFinishedSpanItems().stream().noneMatch(s -> attribute(s, "camel.uri").startsWith("timer")), names().toString());
    }

    private static List<ConsumerRecord<String, byte[]>> eventsOf(String job) {
        return watcher.all().stream().filter(s -> job.equals(s.key())).map(TopicWatcher.Seen::record).toList();
    }

    private static Set<String> withTraceparent() {
        Set<String> names = new TreeSet<>(CLOUD_EVENT_HEADERS);
        names.add("ce_traceparent");
        return names;
    }

    private static Set<String> headerNames(ConsumerRecord<String, byte[]> record) {
        Set<String> names = new TreeSet<>();
        StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).forEach(names::add);
        return names;
    }

    private static String attribute(SpanData span, String key) {
        String value = span.getAttributes().get(AttributeKey.stringKey(key));
        return value == null ? "" : value;
    }

    private static List<String> names() {
        return SPANS.getFinishedSpanItems().stream().map(s -> s.getName() + " " + s.getAttributes()).limit(40).toList();
    }
}
