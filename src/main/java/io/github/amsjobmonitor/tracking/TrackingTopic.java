package io.github.amsjobmonitor.tracking;

import io.github.amsjobmonitor.InvalidSettingException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted topic of tracked jobs, created by the monitor as Kafka Streams creates its changelog
 * topics: compaction keeps one record per job (a tombstone removes it), so restoring a partition reads
 * about as many records as it has jobs. Small segments let compaction start soon after writes
 * (it never touches the active segment).
 */
public class TrackingTopic {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingTopic.class);

    static final Map<String, String> CONFIG = Map.of(
            "cleanup.policy", "compact",
            "segment.ms", "600000",
            "min.cleanable.dirty.ratio", "0.2",
            "delete.retention.ms", "3600000");

    private final Properties adminSettings;
    private final String name;
    private final int partitions;

    public TrackingTopic(Properties adminSettings, String name, int partitions) {
        this.adminSettings = adminSettings;
        this.name = name;
        this.partitions = partitions;
    }

    /** Creates the topic if it is missing; an existing topic is left as it is. */
    public void ensureExists() {
        Properties config = new Properties();
        config.putAll(adminSettings);
        config.putIfAbsent("default.api.timeout.ms", 30_000);
        config.putIfAbsent("request.timeout.ms", 10_000);
        try (Admin admin = Admin.create(config)) {
            NewTopic topic = new NewTopic(name, partitions, (short) -1).configs(CONFIG);
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            LOG.info("Created the tracking topic {} with {} partitions (compacted)", name, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("Could not create the tracking topic {}: {}", name, e.getCause().toString());
            }
        } catch (Exception e) {
            LOG.warn("Could not create the tracking topic {}: {}", name, e.toString());
        }
    }

    /**
     * Where no client may create topics (Azure Event Hubs): the topic must be there, made in advance;
     * a missing one stops the start with one line saying how to make it.
     */
    public void requireExists() {
        Properties config = new Properties();
        config.putAll(adminSettings);
        config.putIfAbsent("default.api.timeout.ms", 30_000);
        boolean exists;
        try (Admin admin = Admin.create(config)) {
            exists = admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name);
        } catch (Exception e) {
            LOG.warn("Could not list the topics to find the tracking topic {}: {}", name, e.toString());
            return;
        }
        if (!exists) {
            throw new InvalidSettingException("monitor.topic.tracking", "monitor.topic.tracking " + name + " does not exist and"
                    + " cannot be created by a client here (Azure Event Hubs): create it in advance with cleanup policy Compact"
                    + " and " + partitions + " partitions (see docs/operating.md, \"Azure Event Hubs as the Kafka\")");
        }
    }
}
