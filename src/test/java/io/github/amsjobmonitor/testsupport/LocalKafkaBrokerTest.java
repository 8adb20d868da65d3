package io.github.amsjobmonitor.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class LocalKafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void should_deliver_a_produced_record_with_its_headers() {
        String topic = "it-" + UUID.randomUUID();
        SharedKafka.broker().createTopics(1, topic);
        try (KafkaTestClient client = new KafkaTestClient(SharedKafka.broker().bootstrapServers())) {
            client.send(topic, "other", "ignored");
            client.send(topic, "job-1", "{\"state\":3}", KafkaTestClient.header("ce_type", "JobFinished"));

            List<ConsumerRecord<String, byte[]>> got = client.consume(topic, r -> "job-1".equals(r.key()), 1, TIMEOUT);

            assertEquals(1, got.size());
            assertEquals("{\"state\":3}", KafkaTestClient.text(got.get(0)));
            assertEquals("JobFinished", KafkaTestClient.header(got.get(0), "ce_type"));
        }
    }

    @Test
    void should_keep_records_and_port_across_a_restart() {
        // its own broker: restarting the shared one would disturb other test classes
        LocalKafkaBroker broker = LocalKafkaBroker.start(null, 0);
        try (KafkaTestClient client = new KafkaTestClient(broker.bootstrapServers())) {
            String bootstrap = broker.bootstrapServers();
            broker.createTopics(1, "survivor");
            client.send("survivor", "k1", "before");

            broker.restart();
            client.send("survivor", "k2", "after");

            assertEquals(bootstrap, broker.bootstrapServers());
            List<String> values = client.consume("survivor", 2, TIMEOUT).stream().map(KafkaTestClient::text).toList();
            assertEquals(List.of("before", "after"), values);
        } finally {
            broker.stop();
        }
    }

    @Test
    void should_create_topics_with_the_asked_partitions_and_ignore_existing_ones() throws Exception {
        String topic = "it-" + UUID.randomUUID();
        SharedKafka.broker().createTopics(3, topic);
        SharedKafka.broker().createTopics(3, topic); // idempotent

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.broker().bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            assertEquals(3, partitions);
        }
    }
}
