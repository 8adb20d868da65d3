package io.github.amsjobmonitor.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many jobs all instances track together: every tracked job has exactly one pending record on
 * the checks topic (its next check), so the checks consumer group's lag on that topic is the count.
 * Read with Kafka's Admin client at most once per {@code maxAge} (when a scrape asks), so a scrape
 * every second costs three small Admin requests every few seconds at most. While Kafka does not
 * answer, the last count stays (NaN before the first).
 */
public class TrackedJobs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrackedJobs.class);
    private static final long ADMIN_TIMEOUT_MS = 5_000;

    private final String brokers;
    private final String topic;
    private final String groupId;
    private final Duration maxAge;
    private final Clock clock;
    private Admin admin;
    private Instant readAt = Instant.MIN;
    private double count = Double.NaN;

    public TrackedJobs(String brokers, String topic, String groupId, Duration maxAge, Clock clock) {
        this.brokers = brokers;
        this.topic = topic;
        this.groupId = groupId;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The latest count, read again when it is older than {@code maxAge}. */
    public synchronized double count() {
        Instant now = Instant.now(clock);
        if (readAt.plus(maxAge).isBefore(now)) {
            readAt = now;
            try {
                count = pendingChecks();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.debug("Could not count the pending checks on {}: {}", topic, e.toString());
            }
        }
        return count;
    }

    private long pendingChecks() throws Exception {
        Admin kafka = admin();
        List<TopicPartition> partitions = kafka.describeTopics(List.of(topic)).allTopicNames()
                .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartition partition : partitions) {
            latest.put(partition, OffsetSpec.latest());
            if (committed.get(partition) == null) {
                // nothing committed there yet: everything the partition holds is pending
                earliest.put(partition, OffsetSpec.earliest());
            }
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = kafka.listOffsets(latest).all()
                .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> starts = earliest.isEmpty() ? Map.of()
                : kafka.listOffsets(earliest).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        long pending = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata done = committed.get(partition);
            long from = done != null ? done.offset() : starts.get(partition).offset();
            pending += Math.max(0, ends.get(partition).offset() - from);
        }
        return pending;
    }

    private Admin admin() {
        if (admin == null) {
            Properties config = new Properties();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, groupId + "-tracked-jobs");
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS);
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
