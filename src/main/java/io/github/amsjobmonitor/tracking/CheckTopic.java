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
            if (created(admin)) {
                LOG.info("Created the checks topic {} with {} partitions", name, partitions);
            } else {
                warnIfMorePartitionsThanConsumers(admin);
            }
        } catch (Exception e) {
            LOG.warn("Could not create the checks topic {}: {}", name, e.toString());
        }
    }

    private boolean created(Admin admin) throws Exception {
        NewTopic topic = new NewTopic(name, partitions, (short) -1).configs(Map.of("cleanup.policy", "delete"));
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private void warnIfMorePartitionsThanConsumers(Admin admin) {
        try {
            int existing = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(name).partitions().size();
            if (existing > partitions) {
                LOG.warn("The checks topic {} has {} partitions but monitor.checks.partitions is {}: some check consumers will "
                        + "read two partitions and delay checks; set monitor.checks.partitions to {}", name, existing, partitions, existing);
            }
        } catch (Exception e) {
            LOG.debug("Could not describe the checks topic {}: {}", name, e.toString());
        }
    }
}
