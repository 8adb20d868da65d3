package io.github.amsjobmonitor.tracking;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal topic of due checks, created by the monitor like Kafka Streams creates its internal
 * topics: its partition count is part of the design (one consumer thread per partition), so it is
 * not left to the broker's default.
 */
public class CheckTopic {

    private static final Logger LOG = LoggerFactory.getLogger(CheckTopic.class);

    private final String brokers;
    private final String name;
    private final int partitions;

    public CheckTopic(String brokers, String name, int partitions) {
        this.brokers = brokers;
        this.name = name;
        this.partitions = partitions;
    }

    public void ensureExists() {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            NewTopic topic = new NewTopic(name, partitions, (short) -1)
                    .configs(Map.of("cleanup.policy", "delete"));
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            LOG.info("Created the checks topic {} with {} partitions", name, partitions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                LOG.debug("The checks topic {} exists", name);
            } else {
                LOG.warn("Could not create the checks topic {}: {}", name, e.getCause().toString());
            }
        } catch (Exception e) {
            LOG.warn("Could not create the checks topic {}: {}", name, e.toString());
        }
    }
}
