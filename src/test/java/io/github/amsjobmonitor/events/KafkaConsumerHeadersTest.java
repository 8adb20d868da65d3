package io.github.amsjobmonitor.events;

import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * camel-kafka's consumer with {@link KafkaHeaderFilter} on a real broker: it sets kafka.TOPIC, PARTITION,
 * OFFSET, TIMESTAMP and KEY from the record, then copies the record's headers over them unless the filter
 * keeps them out. A record carrying headers of those names must not change what the route reads.
 */
class KafkaConsumerHeadersTest {

    private final String topic = "t" + UUID.randomUUID().toString().substring(0, 8) + "-headers-in";
    private final BlockingQueue<Map<String, Object>> received = new ArrayBlockingQueue<>(1);
    private CamelContext camel;
    private KafkaTestClient kafka;

    @AfterEach
    void stop() {
        Closing.closeAll(kafka, camel);
    }

    @Test
    void should_read_the_records_own_metadata_and_no_header_of_the_record() throws Exception {
        SharedKafka.broker().createTopics(1, topic);
        startRouteReading(topic);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());

        Header[] forged = KafkaHeaderFilterTest.STEERING.stream()
                .map(name -> header(name, name.startsWith("kafka.") && !name.equals("kafka.HEADERS") ? "7" : "forged"))
                .toArray(Header[]::new);
        RecordMetadata sent = kafka.send(topic, "own-key", "nb:jid:UUID:whatever", forged);

        Map<String, Object> headers = received.poll(30, TimeUnit.SECONDS);
        assertNotNull(headers, "the route got no record");
        assertEquals(topic, headers.get("kafka.TOPIC"));
        assertEquals(sent.partition(), headers.get("kafka.PARTITION"));
        assertEquals(sent.offset(), headers.get("kafka.OFFSET"));
        assertEquals(sent.timestamp(), headers.get("kafka.TIMESTAMP"));
        assertEquals("own-key", headers.get("kafka.KEY"));
        for (String steering : new String[] {"kafka.OVERRIDE_TOPIC", "kafka.OVERRIDE_TIMESTAMP", "kafka.PARTITION_KEY",
                "CamelHttpUri", "CamelHttpQuery", "Authorization"}) {
            assertTrue(!headers.containsKey(steering), steering + " came in: " + headers);
        }
        assertTrue(headers.values().stream().noneMatch("forged"::equals), "a record header came in: " + headers);
    }

    private void startRouteReading(String from) throws Exception {
        camel = new DefaultCamelContext();
        KafkaComponent component = new KafkaComponent();
        component.getConfiguration().setBrokers(SharedKafka.broker().bootstrapServers());
        component.getConfiguration().setHeaderFilterStrategy(new KafkaHeaderFilter());
        component.getConfiguration().setAutoOffsetReset("earliest");
        component.getConfiguration().setPollTimeoutMs(500L);
        camel.addComponent("kafka", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + from + "?groupId=" + from).process(e -> received.offer(new HashMap<>(e.getMessage().getHeaders())));
            }
        });
        camel.start();
    }
}
