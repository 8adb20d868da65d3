package io.github.amsjobmonitor.tracking;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.InvalidSettingException;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where topics are made in advance (Azure Event Hubs), a missing tracking topic stops the start with one line. */
class TrackingTopicTest {

    private static Properties admin() {
        Properties admin = new Properties();
        admin.put("bootstrap.servers", SharedKafka.broker().bootstrapServers());
        return admin;
    }

    @Test
    void should_stop_the_start_when_a_topic_made_in_advance_is_missing() {
        String name = "missing-" + UUID.randomUUID();
        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> new TrackingTopic(admin(), name, 32).requireExists());
        assertEquals("monitor.topic.tracking", refused.getKey());
        assertTrue(refused.getMessage().contains(name) && refused.getMessage().contains("Compact")
                && refused.getMessage().contains("32 partitions"), refused.getMessage());
    }

    @Test
    void should_accept_a_topic_made_in_advance() {
        String name = "made-" + UUID.randomUUID();
        SharedKafka.broker().createTopics(2, name);
        assertDoesNotThrow(() -> new TrackingTopic(admin(), name, 2).requireExists());
    }
}
