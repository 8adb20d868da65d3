package io.github.amsjobmonitor.testsupport;

import io.github.amsjobmonitor.Application;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The monitor exactly as {@link Application} builds it (application.properties, routes/), started
 * inside the test JVM against the shared broker and a simulator, with its own topic names so that
 * test classes do not see each other's records.
 */
public final class RunningMonitor implements AutoCloseable {

    private final Main main;
    private final Topics topics;

    private RunningMonitor(Main main, Topics topics) {
        this.main = main;
        this.topics = topics;
    }

    /** Topic names of one test, all with the same unique prefix. */
    public record Topics(String jobIds, String jobStatus, String finished, String errored, String canceled,
                         String deadLetter, String tracking, String checks) {

        public static Topics unique() {
            String p = "t" + UUID.randomUUID().toString().substring(0, 8) + "-";
            return new Topics(p + "job-ids", p + "job-status", p + "job-finished", p + "job-errored",
                    p + "job-canceled", p + "job-ids.dlq", p + "job-tracking", p + "job-checks");
        }

        public String[] all() {
            return new String[] {jobIds, jobStatus, finished, errored, canceled, deadLetter, tracking};
        }
    }

    /** The settings a test gives the monitor: broker, simulator, topics, and a fast poll. */
    public static Map<String, String> settings(AmsSimulator simulator, Topics topics) {
        return settings(simulator, topics, SharedKafka.broker());
    }

    /** As {@link #settings(AmsSimulator, Topics)}, against another broker than the shared one. */
    public static Map<String, String> settings(AmsSimulator simulator, Topics topics, LocalKafkaBroker broker) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("camel.component.kafka.brokers", broker.bootstrapServers());
        s.put("monitor.topic.job-ids", topics.jobIds());
        s.put("monitor.topic.job-status", topics.jobStatus());
        s.put("monitor.topic.job-finished", topics.finished());
        s.put("monitor.topic.job-errored", topics.errored());
        s.put("monitor.topic.job-canceled", topics.canceled());
        s.put("monitor.topic.dead-letter", topics.deadLetter());
        s.put("monitor.topic.tracking", topics.tracking());
        s.put("monitor.topic.checks", topics.checks());
        s.put("monitor.group-id", "monitor-" + topics.tracking());
        s.put("monitor.tracking.partitions", "3");
        s.put("monitor.poll.interval", "200ms");
        // many monitors start in one test run: the management server only where a test asks for it
        s.put("camel.management.enabled", "false");
        s.put("ams.api-url", simulator.apiUrl());
        s.put("azure.ad.authority-host", simulator.baseUrl());
        s.put("azure.ad.tenant-id", simulator.settings().tenant());
        s.put("azure.ad.client-id", simulator.settings().clientId());
        s.put("azure.ad.client-secret", simulator.settings().clientSecret());
        return s;
    }

    public static RunningMonitor start(Map<String, String> settings, Topics topics) {
        return start(settings, topics, SharedKafka.broker());
    }

    /** As {@link #start(Map, Topics)}, against another broker than the shared one (settings made for it). */
    public static RunningMonitor start(Map<String, String> settings, Topics topics, LocalKafkaBroker broker) {
        createPublicTopics(broker, topics);
        Main main = Application.newMain();
        Properties overrides = new Properties();
        overrides.putAll(settings);
        main.setOverrideProperties(overrides);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("the monitor did not start", e);
        }
        return new RunningMonitor(main, topics);
    }

    /** The public topics, with one partition each: they exist before the monitor starts, as they would in production. */
    public static void createPublicTopics(LocalKafkaBroker broker, Topics topics) {
        broker.createTopics(1, topics.jobIds(), topics.jobStatus(), topics.finished(), topics.errored(),
                topics.canceled(), topics.deadLetter());
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** The jobs this monitor tracks in memory (for tests that watch checks that publish nothing). */
    public io.github.amsjobmonitor.tracking.JobSchedule schedule() {
        return main.getCamelContext().getRegistry().lookupByNameAndType("jobSchedule", io.github.amsjobmonitor.tracking.JobSchedule.class);
    }

    public Topics topics() {
        return topics;
    }

    @Override
    public void close() {
        main.stop();
    }
}
