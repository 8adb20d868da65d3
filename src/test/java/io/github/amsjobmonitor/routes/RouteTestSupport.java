package io.github.amsjobmonitor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.github.amsjobmonitor.MonitorConfiguration;
import io.github.amsjobmonitor.ams.AmsAnswers;
import io.github.amsjobmonitor.ams.AmsJob;
import io.github.amsjobmonitor.ams.JobsPage;
import io.github.amsjobmonitor.tracking.JobSchedule;
import io.github.amsjobmonitor.tracking.JobTracker;
import io.github.amsjobmonitor.tracking.TrackedJob;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * Fast tests of one route's logic: the real route files (routes/*.camel.yaml, as
 * application.properties includes them) and the real beans of {@link MonitorConfiguration}, in one
 * Camel context per test class, without a Kafka broker or the AMS simulator:
 * <ul>
 * <li>every Kafka write is a mock that skips the real endpoint ({@code mock:kafka:<topic>});</li>
 * <li>the intake's Kafka consumer and the check timer are replaced by {@code direct:intake} and
 *     {@code direct:due-checks}, so a test decides when a batch of records comes or a tick happens;</li>
 * <li>the AMS call (bean {@code amsClient}) is replaced: check-batch's request answers with the
 *     {@link JobsPage} the test builds ({@link #amsAnswers}), read-tasks' with {@link #tasksAnswer};</li>
 * <li>nothing of tracking's Kafka side starts: {@link Beans} are MonitorConfiguration's beans without
 *     its {@code configure} (the tracking topic, restore, metrics), and the test puts jobs in the
 *     real {@link JobSchedule} itself ({@link #track}).</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RouteTestSupport extends CamelMainTestSupport {

    static final String JOB_ID_PREFIX = "nb:jid:UUID:";
    static final ObjectMapper JSON = new ObjectMapper();

    /** MonitorConfiguration's beans, by the same methods and settings; its configure (Kafka, metrics) is left out. */
    public static class Beans extends MonitorConfiguration {
        @Override
        public void configure(CamelContext camelContext) {
            // no TrackingService (it creates the tracking topic and restores from it), no metrics, no reload guard
        }
    }

    /** The AMS stub's answer to a Jobs() request for these job IDs (it may throw, as amsClient.jobs would). */
    protected volatile Function<List<String>, JobsPage> amsAnswers = ids -> new JobsPage(List.of());
    /** The job IDs of each Jobs() request the stub answered. */
    protected final List<List<String>> amsRequests = new CopyOnWriteArrayList<>();
    /** The body AMS answers to a Tasks read (read-tasks). */
    protected volatile String tasksAnswer = "{\"value\":[]}";

    private boolean partitionAssigned;

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected void configure(MainConfigurationProperties main) {
        main.addConfiguration(Beans.class);
    }

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withUseAdviceWith(true);
    }

    @Override
    public void configureContext(CamelContextConfiguration context) {
        super.configureContext(context);
        Properties test = new Properties();
        test.put("camel.main.routes-reload-enabled", "false");
        test.put("camel.management.enabled", "false");
        test.put("camel.management.health-check-enabled", "false");
        test.put("camel.management.metrics-enabled", "false");
        test.put("camel.metrics.enabled", "false");
        test.put("camel.main.shutdown-timeout", "1");
        // nothing listens there; no Kafka client is made (lazy producers, every write mocked, no consumer)
        test.put("camel.component.kafka.brokers", "127.0.0.1:1");
        test.put("camel.component.kafka.lazy-start-producer", "true");
        test.put("ams.api-url", "http://127.0.0.1:1/api/");
        test.put("azure.ad.authority-host", "https://login.invalid");
        test.put("azure.ad.tenant-id", "00000000-0000-0000-0000-000000000001");
        test.put("azure.ad.client-id", "00000000-0000-0000-0000-000000000002");
        test.put("azure.ad.client-secret", "route-test-secret");
        // a job checked once is not due again during a test; a partial batch leaves at once
        test.put("monitor.poll.interval", "1h");
        test.put("monitor.batch.window", "0ms");
        test.put("monitor.not-found.max-attempts", "3");
        test.put("monitor.ams.max-in-flight", "2");
        test.put("monitor.checks.parallel", "4");
        // retries as in production, without the waiting
        test.put("ams.retry.delay", "5");
        test.put("ams.retry.max-delay", "10");
        test.put("monitor.kafka-write.retries", "1");
        test.put("monitor.kafka-write.retry-delay", "5");
        putTestProperties(test);
        context.withUseOverridePropertiesWithPropertiesComponent(test);
        context.withMockEndpointsAndSkip("kafka:*");
    }

    /** A class's own settings, on top of the ones above. */
    protected void putTestProperties(Properties properties) {
    }

    /** A class's own advice, applied once before the context starts. */
    protected void advise(CamelContext camelContext) throws Exception {
    }

    @BeforeEach
    void startOnce() throws Exception {
        if (!context.isStarted()) {
            AdviceWith.adviceWith(context, "intake", a -> quiet(a).replaceFromWith("direct:intake"));
            AdviceWith.adviceWith(context, "check", a -> quiet(a).replaceFromWith("direct:due-checks"));
            // the AMS call (bean amsClient) answers as the test says
            AdviceWith.adviceWith(context, "check-batch", a -> quiet(a).weaveById("request-batch").replace().process(this::answerJobs));
            AdviceWith.adviceWith(context, "read-tasks", a -> quiet(a).weaveById("ams-get-tasks").replace()
                    .process(e -> e.getMessage().setBody(new AmsAnswers().tasksPage(tasksAnswer))));
            advise(context);
            context.start();
        }
        MockEndpoint.resetMocks(context);
        amsRequests.clear();
        amsAnswers = ids -> new JobsPage(List.of());
        tasksAnswer = "{\"value\":[]}";
    }

    @SuppressWarnings("unchecked")
    private void answerJobs(Exchange exchange) {
        List<String> ids = List.copyOf(exchange.getMessage().getBody(List.class));
        amsRequests.add(ids);
        exchange.getMessage().setBody(amsAnswers.apply(ids));
    }

    /** Advice without the whole route dumped as XML to the log. */
    protected static AdviceWithRouteBuilder quiet(AdviceWithRouteBuilder advice) {
        advice.setLogRouteAsXml(false);
        return advice;
    }

    // --- the real beans ---

    protected JobSchedule schedule() {
        return context.getRegistry().lookupByNameAndType("jobSchedule", JobSchedule.class);
    }

    protected JobTracker jobTracker() {
        return context.getRegistry().lookupByNameAndType("jobTracker", JobTracker.class);
    }

    // --- jobs ---

    static String newJobId() {
        return JOB_ID_PREFIX + UUID.randomUUID();
    }

    /** A job just taken in: never checked. */
    static TrackedJob requested(String jobId) {
        return TrackedJob.requested(jobId, Map.of("ticket", "MEDIA-1"), Instant.now(), null);
    }

    /** A job last seen in {@code lastState} (by its check, not a request). */
    static TrackedJob seenIn(String jobId, String lastState) {
        return requested(jobId).seen("job-" + jobId.substring(JOB_ID_PREFIX.length(), JOB_ID_PREFIX.length() + 8), lastState,
                Instant.now());
    }

    /** How AMS describes the job: State as given (null: no State), the name {@link #seenIn} remembers. */
    static AmsJob amsJob(String jobId, Integer state) {
        // AMS's times (UTC without a zone), relative to now: nothing here may depend on the calendar
        LocalDateTime created = LocalDateTime.ofInstant(Instant.now().minusSeconds(600), ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        return new AmsJob(jobId, "job-" + jobId.substring(JOB_ID_PREFIX.length(), JOB_ID_PREFIX.length() + 8),
                AMS_TIME.format(created), AMS_TIME.format(created.plusMinutes(5)), AMS_TIME.format(created.plusSeconds(1)), null,
                1000.0, state);
    }

    private static final DateTimeFormatter AMS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    static JobsPage page(AmsJob... jobs) {
        return new JobsPage(Arrays.asList(jobs));
    }

    /** Puts jobs in the schedule as the tracking topic's restore would: due at once. */
    protected void track(TrackedJob... jobs) {
        JobSchedule schedule = schedule();
        if (!partitionAssigned) {
            schedule.assigned(List.of(0));
            schedule.restored(0);
            partitionAssigned = true;
        }
        for (TrackedJob job : jobs) {
            schedule.apply(0, job.jobId(), job);
        }
    }

    /** Puts jobs in the schedule and takes them out for a check, as the check route does. */
    protected void trackAndTake(TrackedJob... jobs) {
        track(jobs);
        List<List<TrackedJob>> due = schedule().takeDue();
        List<String> taken = new ArrayList<>();
        due.forEach(batch -> batch.forEach(job -> taken.add(job.jobId())));
        for (TrackedJob job : jobs) {
            assertTrue(taken.contains(job.jobId()), job.jobId() + " was not due");
        }
    }

    /**
     * One tick of the check route: the jobs due now leave the schedule in batches for check-batch;
     * returns once {@code batches} batches have been checked to the end.
     */
    protected void checkDueJobs(int batches) {
        // an earlier test's batch may still be in a (delayed) redelivery: let it end, or it would count here
        awaitNoJobInCheck();
        // the batch's own exchange, not one of the exchanges its splits make (those come from check-batch too,
        // and end first): the batch's body is a list (its jobs, then their IDs, then their observations)
        NotifyBuilder checked = new NotifyBuilder(context).fromRoute("check-batch")
                .filter(exchange -> exchange.getMessage().getBody() instanceof List).whenDone(batches).create();
        template.sendBody("direct:due-checks", null);
        assertTrue(checked.matches(10, TimeUnit.SECONDS), "no batch was checked");
        awaitNoJobInCheck();
    }

    /** Every job taken for a check is back in the schedule (or its tracking ended). */
    private void awaitNoJobInCheck() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (schedule().inFlight() > 0) {
            assertTrue(System.nanoTime() < deadline, schedule().inFlight() + " jobs still in a check");
            Thread.onSpinWait();
        }
    }

    // --- Kafka writes (mocks) ---

    protected MockEndpoint kafka(String topic) {
        return getMockEndpoint("mock:kafka:" + topic);
    }

    protected MockEndpoint jobStatus() {
        return kafka("job-status");
    }

    protected MockEndpoint tracking() {
        return kafka("job-tracking");
    }

    protected MockEndpoint deadLetter() {
        return kafka("job-ids.dlq");
    }

    /** No record went to any topic. */
    protected void assertNothingWrittenToKafka() {
        List<MockEndpoint> topics = new ArrayList<>();
        for (Endpoint endpoint : context.getEndpoints()) {
            if (endpoint instanceof MockEndpoint mock && mock.getEndpointUri().startsWith("mock://kafka:")) {
                topics.add(mock);
            }
        }
        // every topic the routes name: tracking, the dead letters, status, progress; the three outcome topics
        // are named at run time (publish-final's toD): their mocks exist once one of them was written to
        assertTrue(topics.size() >= 4, "the Kafka writes are not all mocked: " + topics);
        for (MockEndpoint topic : topics) {
            assertEquals(0, topic.getReceivedCounter(), "records written to " + topic.getEndpointUri());
        }
    }

    static String key(Exchange record) {
        return record.getMessage().getHeader(KafkaConstants.KEY, String.class);
    }

    /** The JSON data of a CloudEvent written to a topic. */
    static JsonNode eventData(Exchange record) throws Exception {
        CloudEvent event = record.getMessage().getBody(CloudEvent.class);
        return JSON.readTree(event.getData().toBytes());
    }

    /** A tracking record's value, read as the schedule reads it; null for a tombstone. */
    protected TrackedJob trackingValue(Exchange record) {
        byte[] value = record.getMessage().getBody(byte[].class);
        return value == null ? null : schedule().read(value);
    }
}
