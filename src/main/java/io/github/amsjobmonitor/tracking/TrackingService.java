package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.kafka.KafkaClientSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Starts tracking when the Camel context starts (the Kafka component's settings are known by then):
 * the tracking topic is created if missing, the previous version's jobs are carried over, then the
 * store restores this instance's share of the jobs. Stops the store with the context.
 */
public class TrackingService extends ServiceSupport {

    private final CamelContext camelContext;
    private final JobSchedule schedule;
    private final TrackingCapacity capacity;
    private TrackingStore store;

    public TrackingService(CamelContext camelContext, JobSchedule schedule) {
        this(camelContext, schedule, null);
    }

    /** @param capacity the cap on the jobs this instance tracks, null for none */
    public TrackingService(CamelContext camelContext, JobSchedule schedule, TrackingCapacity capacity) {
        this.camelContext = camelContext;
        this.schedule = schedule;
        this.capacity = capacity;
    }

    @Override
    protected void doStart() throws Exception {
        KafkaClientSettings kafka = KafkaClientSettings.of(camelContext);
        String topic = setting("monitor.topic.tracking");
        String groupId = setting("monitor.group-id");
        TrackingTopic trackingTopic = new TrackingTopic(kafka.admin(), topic, Integer.parseInt(setting("monitor.tracking.partitions")));
        if (kafka.topicsMadeInAdvance()) {
            trackingTopic.requireExists();
        } else {
            trackingTopic.ensureExists();
        }
        new ChecksTopicUpgrade(kafka, setting("monitor.topic.checks"), groupId + "-checks", topic, schedule).run();
        store = new TrackingStore(kafka.consumer(groupId + "-tracking"), topic, schedule, capacity);
        store.start();
    }

    @Override
    protected void doStop() throws Exception {
        if (store != null) {
            store.stop();
        }
    }

    private String setting(String key) {
        return camelContext.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
