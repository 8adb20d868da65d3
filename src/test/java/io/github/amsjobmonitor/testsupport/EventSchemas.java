package io.github.amsjobmonitor.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The published event schemas ({@code docs/job-status.schema.json}, {@code docs/job-progress.schema.json}).
 * The shared topic readers ({@link KafkaTestClient}, {@link TopicWatcher}) pass every record they read
 * through {@link #check(ConsumerRecord)}, so every event any integration test sees is validated.
 */
public final class EventSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    public static final Schema JOB_STATUS = load("docs/job-status.schema.json");
    public static final Schema JOB_PROGRESS = load("docs/job-progress.schema.json");

    private EventSchemas() {
    }

    /** The schema of the records of this topic (test topics carry a unique prefix), or null for other topics. */
    public static Schema forTopic(String topic) {
        if (topic.endsWith("job-status") || topic.endsWith("job-finished") || topic.endsWith("job-errored")
                || topic.endsWith("job-canceled")) {
            return JOB_STATUS;
        }
        return topic.endsWith("job-progress") ? JOB_PROGRESS : null;
    }

    /** Fails (AssertionError) when the record is on an event topic and its value does not match the topic's schema. */
    public static void check(ConsumerRecord<String, byte[]> record) {
        Schema schema = forTopic(record.topic());
        if (schema == null) {
            return;
        }
        String text = KafkaTestClient.text(record);
        List<String> errors = errors(schema, text);
        if (!errors.isEmpty()) {
            throw new AssertionError("a record on " + record.topic() + " does not match its schema: " + errors + "\n" + text);
        }
    }

    /** The schema violations of a JSON text (empty when it is valid). */
    public static List<String> errors(Schema schema, String text) {
        if (text == null) {
            return List.of("no value");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        return schema.validate(node).stream().map(Error::toString).toList();
    }

    private static Schema load(String file) {
        Path path = MonitorProcess.projectRoot().resolve(file);
        try (InputStream in = Files.newInputStream(path)) {
            return SCHEMAS.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
