package io.github.amsjobmonitor.bench.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * THE BASELINE of {@code bench/compare}, not part of the product: the same job as the monitor done
 * the plain way, so the benchmark can say what Camel and the monitor's design buy (or cost).
 * <ul>
 *   <li>a kafka-clients consumer reads job IDs from {@code job-ids} (bare ID or {@code {"jobId": ...}});
 *   <li>tracked jobs live in memory, their next checks in a {@link DelayQueue};
 *   <li>one {@code java.net.http} request per job per check,
 *       {@code GET Jobs()?$filter=Id eq '<id>'&$top=1} with the contract's headers, sent
 *       asynchronously with at most {@code baseline.max-in-flight} requests at once;
 *   <li>one bearer token (client credentials, a plain form POST) reused until 5 minutes before its
 *       expiry, as MSAL does; fetched again after a 401;
 *   <li>a kafka-clients producer publishes the contract's event JSON and CloudEvents headers on
 *       {@code job-status} on each change (and on the final-outcome topics for final states).
 * </ul>
 * Deliberately without what the monitor adds for durability: no tracking state in Kafka (a restart
 * forgets every job), offsets auto-committed, no dead-letter topic (bad input is skipped), no 301
 * following, no progress reads. It is meant to be honest and reasonably efficient, not a straw man.
 *
 * <p>Settings are system properties: {@code baseline.brokers}, {@code baseline.api-url},
 * {@code baseline.token-url}, {@code baseline.client-id}, {@code baseline.scope},
 * {@code baseline.interval-ms}, {@code baseline.max-in-flight} (default 32),
 * {@code baseline.topic.job-ids}, {@code baseline.topic.job-status}, {@code baseline.group-id}; the
 * client secret comes from the environment variable {@code AZURE_AD_CLIENT_SECRET}.
 */
public final class PlainClientMonitor {

    private static final Pattern JOB_ID = Pattern.compile("nb:jid:UUID:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String[] STATE_NAMES = {"Queued", "Scheduled", "Processing", "Finished", "Error", "Canceled", "Canceling"};
    private static final long TOKEN_MARGIN_MS = TimeUnit.MINUTES.toMillis(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiUrl;
    private final String tokenUrl;
    private final String tokenForm;
    private final long intervalNanos;
    private final String statusTopic;
    private final Map<String, String> finalTopics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Semaphore inFlight;
    private final DelayQueue<DueCheck> due = new DelayQueue<>();
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final String jobIdsTopic;
    private volatile boolean running = true;

    // the token and when it stops being used (epoch ms); guarded by this
    private String token;
    private long tokenUsableUntil;

    /** A tracked job: what the next check compares against. Touched by one check at a time. */
    private static final class Tracked {
        final String jobId;
        volatile String lastState;

        Tracked(String jobId) {
            this.jobId = jobId;
        }
    }

    private record DueCheck(Tracked job, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((DueCheck) other).dueNanos);
        }
    }

    private PlainClientMonitor() {
        String brokers = required("baseline.brokers");
        this.apiUrl = required("baseline.api-url");
        this.tokenUrl = required("baseline.token-url");
        String secret = System.getenv("AZURE_AD_CLIENT_SECRET");
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("AZURE_AD_CLIENT_SECRET is not set");
        }
        this.tokenForm = "grant_type=client_credentials&client_id=" + enc(required("baseline.client-id"))
                + "&client_secret=" + enc(secret) + "&scope=" + enc(System.getProperty("baseline.scope", "https://rest.media.azure.net/.default"));
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(System.getProperty("baseline.interval-ms", "15000")));
        this.inFlight = new Semaphore(Integer.parseInt(System.getProperty("baseline.max-in-flight", "32")));
        this.jobIdsTopic = System.getProperty("baseline.topic.job-ids", "job-ids");
        this.statusTopic = System.getProperty("baseline.topic.job-status", "job-status");
        this.finalTopics = Map.of(
                "Finished", System.getProperty("baseline.topic.job-finished", "job-finished"),
                "Error", System.getProperty("baseline.topic.job-errored", "job-errored"),
                "Canceled", System.getProperty("baseline.topic.job-canceled", "job-canceled"));
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, System.getProperty("baseline.group-id", "plain-client-monitor"));
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
    }

    public static void main(String[] args) throws Exception {
        PlainClientMonitor monitor = new PlainClientMonitor();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            monitor.running = false;
            monitor.consumer.wakeup();
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "baseline-stop"));
        Thread dispatcher = new Thread(monitor::dispatchDueChecks, "baseline-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
        System.out.println("baseline started: interval " + TimeUnit.NANOSECONDS.toMillis(monitor.intervalNanos) + " ms, at most "
                + monitor.inFlight.availablePermits() + " requests in flight");
        monitor.consumeJobIds();
    }

    // --- intake ---

    private void consumeJobIds() {
        try (consumer; producer) {
            consumer.subscribe(List.of(jobIdsTopic));
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    String jobId = jobIdOf(record.value());
                    if (jobId != null && !tracked.containsKey(jobId)) {
                        Tracked job = new Tracked(jobId);
                        tracked.put(jobId, job);
                        due.add(new DueCheck(job, System.nanoTime()));
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException stopping) {
            // shutdown hook
        }
    }

    private static String jobIdOf(String value) {
        if (value == null) {
            return null;
        }
        String text = value.trim();
        if (text.startsWith("{")) {
            try {
                text = JSON.readTree(text).path("jobId").asText("");
            } catch (Exception e) {
                return null;
            }
        }
        return JOB_ID.matcher(text).matches() ? text : null;
    }

    // --- checks ---

    private void dispatchDueChecks() {
        while (running) {
            try {
                DueCheck check = due.take();
                inFlight.acquire();
                check(check.job());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.err.println("baseline: dispatch failed: " + e);
            }
        }
    }

    private void check(Tracked job) {
        long sentAt = System.nanoTime();
        String bearer;
        try {
            bearer = token();
        } catch (Exception e) {
            inFlight.release();
            System.err.println("baseline: no token: " + e.getMessage());
            due.add(new DueCheck(job, sentAt + intervalNanos));
            return;
        }
        String filter = URLEncoder.encode("Id eq '" + job.jobId + "'", StandardCharsets.UTF_8).replace("+", "%20");
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + "Jobs()?$filter=" + filter + "&$top=1"))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + bearer)
                .header("x-ms-version", "2.19")
                .header("Accept", "application/json")
                .header("DataServiceVersion", "1.0;NetFx")
                .header("MaxDataServiceVersion", "3.0;NetFx")
                .GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
            inFlight.release();
            long next = sentAt + intervalNanos;
            try {
                if (failure != null) {
                    System.err.println("baseline: request failed: " + failure);
                } else if (response.statusCode() == 401) {
                    dropToken(bearer);
                    next = System.nanoTime();
                } else if (response.statusCode() != 200) {
                    System.err.println("baseline: HTTP " + response.statusCode() + " for " + job.jobId);
                } else if (observe(job, JSON.readTree(response.body()))) {
                    tracked.remove(job.jobId);
                    return; // final: no more checks
                }
            } catch (Exception e) {
                System.err.println("baseline: cannot handle the answer for " + job.jobId + ": " + e);
            }
            due.add(new DueCheck(job, next));
        });
    }

    /** Publishes an event if the state changed; true if the job reached a final state. */
    private boolean observe(Tracked job, JsonNode answer) throws Exception {
        JsonNode entity = answer.path("value").path(0);
        if (entity.isMissingNode()) {
            return false; // not (yet) known to AMS: check again later
        }
        int code = entity.path("State").asInt(-1);
        String state = code >= 0 && code < STATE_NAMES.length ? STATE_NAMES[code] : "Unknown(" + code + ")";
        if (state.equals(job.lastState)) {
            return false;
        }
        boolean isFinal = code == 3 || code == 4 || code == 5;
        Instant observedAt = Instant.now();
        ObjectNode event = JSON.createObjectNode();
        event.put("jobId", job.jobId);
        event.put("jobName", entity.path("Name").asText(null));
        event.put("previousState", job.lastState);
        event.put("state", state);
        event.put("final", isFinal);
        event.put("observedAt", observedAt.toString());
        event.put("startTime", instant(entity.path("StartTime").asText(null)));
        event.put("endTime", instant(entity.path("EndTime").asText(null)));
        event.put("lastModified", instant(entity.path("LastModified").asText(null)));
        if (entity.path("RunningDuration").isNumber()) {
            event.put("runningDuration", entity.path("RunningDuration").asDouble());
        } else {
            event.putNull("runningDuration");
        }
        event.putObject("correlationData");
        String value = JSON.writeValueAsString(event);
        send(statusTopic, job.jobId, state, value, observedAt);
        if (isFinal) {
            send(finalTopics.get(state), job.jobId, state, value, observedAt);
        }
        job.lastState = state;
        return isFinal;
    }

    private void send(String topic, String jobId, String state, String value, Instant observedAt) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, jobId, value);
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", UUID.nameUUIDFromBytes((jobId + "/" + state).getBytes(StandardCharsets.UTF_8)).toString());
        header(record, "ce_source", "/ams-job-monitor-baseline");
        header(record, "ce_type", "io.github.amsjobmonitor.JobStateChanged");
        header(record, "ce_subject", jobId);
        header(record, "ce_time", observedAt.toString());
        header(record, "content-type", "application/json");
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                System.err.println("baseline: publishing failed for " + jobId + ": " + e);
            }
        });
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static String instant(String amsTime) {
        if (amsTime == null || amsTime.isBlank()) {
            return null;
        }
        try {
            return amsTime.endsWith("Z") ? Instant.parse(amsTime).toString() : LocalDateTime.parse(amsTime).toInstant(ZoneOffset.UTC).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    // --- the token ---

    /** The current token, fetched (by one caller at a time) when missing or within 5 minutes of expiry. */
    private synchronized String token() throws Exception {
        if (token == null || System.currentTimeMillis() >= tokenUsableUntil) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(tokenForm)).build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
                throw new IllegalStateException("token endpoint answered " + response.statusCode() + " " + body.path("error").asText(""));
            }
            token = body.get("access_token").asText();
            tokenUsableUntil = System.currentTimeMillis() + body.path("expires_in").asLong(0) * 1000 - TOKEN_MARGIN_MS;
        }
        return token;
    }

    private synchronized void dropToken(String rejected) {
        if (rejected.equals(token)) {
            token = null;
        }
    }

    private static String required(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("missing -D" + key);
        }
        return value;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
