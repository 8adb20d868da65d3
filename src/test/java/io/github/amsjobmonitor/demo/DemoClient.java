package io.github.amsjobmonitor.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's two outside teams in one program: it registers sample jobs in the simulator, sends
 * their IDs as a producer would (plus one bad record), and prints what a consumer of the monitor's
 * topics sees, as it arrives, until stopped.
 * <p>Arguments: {@code <bootstrap servers> <simulator base URL>}.
 */
public final class DemoClient {

    private static final List<String> PUBLIC_TOPICS =
            List.of("job-ids", "job-status", "job-finished", "job-errored", "job-canceled", "job-progress", "job-ids.dlq");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean RAW = "1".equals(System.getenv("DEMO_RAW"));
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private DemoClient() {
    }

    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String simulator = args[1];
        Map<String, String> jobs = new LinkedHashMap<>();
        jobs.put("FINISH", "promo-video-1080p");
        jobs.put("ERROR", "corrupt-upload-4k");
        jobs.put("CANCEL", "trailer-cancelled-by-editor");
        jobs.put("LONG_RUNNING", "feature-film-master");
        createTopics(brokers);
        Map<String, String> ids = new LinkedHashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        for (var job : jobs.entrySet()) {
            String id = "nb:jid:UUID:" + UUID.randomUUID();
            String body = JSON.writeValueAsString(Map.of("jobId", id, "name", job.getValue(), "scenario", job.getKey(),
                    "stepMillis", 4000));
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(simulator + "/simulator/jobs"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 201) {
                throw new IllegalStateException("the simulator refused a sample job: " + answer.body());
            }
            ids.put(id, job.getValue());
        }

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            int n = 0;
            for (String id : ids.keySet()) {
                // half bare IDs, half JSON with correlation data, as producers may send either
                String value = n++ % 2 == 0 ? id
                        : JSON.writeValueAsString(Map.of("jobId", id, "correlationData", Map.of("ticket", "MEDIA-" + (100 + n))));
                producer.send(new ProducerRecord<>("job-ids", value)).get();
                System.out.printf("%s  sent      %s%n", now(), value);
            }
            String bad = "nb:jid:UUID:1234' or Id ne '";
            producer.send(new ProducerRecord<>("job-ids", bad)).get();
            System.out.printf("%s  sent      %s   (not a job ID: expect it on job-ids.dlq)%n%n", now(), bad);
        }

        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "demo-viewer-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(PUBLIC_TOPICS.subList(1, PUBLIC_TOPICS.size()));
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    // DEMO_RAW=1 shows the records as they are on the topics
                    System.out.println(RAW ? record.topic() + " " + record.key() + " " + new String(record.value(), StandardCharsets.UTF_8)
                            : describe(record, ids));
                }
            }
        }
    }

    /** The public topics, as the operator would create them before the teams start. */
    private static void createTopics(String brokers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            var existing = admin.listTopics().names().get();
            var missing = PUBLIC_TOPICS.stream().filter(t -> !existing.contains(t)).map(t -> new NewTopic(t, 1, (short) 1)).toList();
            admin.createTopics(missing).all().get();
        }
    }

    private static String describe(ConsumerRecord<String, byte[]> record, Map<String, String> names) throws Exception {
        String value = new String(record.value(), StandardCharsets.UTF_8);
        if (record.topic().equals("job-ids.dlq")) {
            return String.format("%s  %-12s %s  %s: %s", now(), record.topic(), value,
                    header(record, "monitor-error-code"), header(record, "monitor-error-reason"));
        }
        JsonNode event = JSON.readTree(value);
        if (record.topic().equals("job-progress")) {
            return String.format("%s  %-12s %s  %-28s %5.1f %%", now(), record.topic(), record.key(),
                    names.getOrDefault(record.key(), ""), event.get("progress").asDouble());
        }
        String previous = event.get("previousState").isNull() ? "new" : event.get("previousState").asText();
        String line = String.format("%s  %-12s %s  %-28s %s -> %s", now(), record.topic(), record.key(),
                names.getOrDefault(record.key(), ""), previous, event.get("state").asText());
        if (event.has("progress")) {
            line += String.format(" at %.1f %%", event.get("progress").asDouble());
        }
        if (!event.get("correlationData").isEmpty()) {
            line += "  " + event.get("correlationData");
        }
        if (event.has("errors")) {
            for (JsonNode error : event.get("errors")) {
                line += String.format("%n%12s%s (task %s): %s", "", error.get("code").asText(), error.get("task").asText(),
                        error.get("message").asText());
            }
        }
        return line;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String now() {
        return LocalTime.now().format(CLOCK);
    }
}
