package io.github.amsjobmonitor.routes;

import static io.github.amsjobmonitor.routes.RouteReloadTest.await;
import static io.github.amsjobmonitor.routes.RouteReloadTest.statusOf;
import static io.github.amsjobmonitor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.amsjobmonitor.simulator.AmsSimulator;
import io.github.amsjobmonitor.simulator.JobScenario;
import io.github.amsjobmonitor.simulator.ManualClock;
import io.github.amsjobmonitor.simulator.SimulatedJob;
import io.github.amsjobmonitor.simulator.SimulatorSettings;
import io.github.amsjobmonitor.testsupport.Closing;
import io.github.amsjobmonitor.testsupport.KafkaTestClient;
import io.github.amsjobmonitor.testsupport.RouteFolder;
import io.github.amsjobmonitor.testsupport.RunningMonitor;
import io.github.amsjobmonitor.testsupport.RunningMonitor.Topics;
import io.github.amsjobmonitor.testsupport.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The "Three common changes" of docs/routes.md work as written: an operator
 * edits a copy of the shipped routes while the monitor runs, with the YAML taken from docs/routes.md
 * itself, and each change goes live by reload. A filter on {@code correlationData.env} then ignores
 * test jobs (no event, tracking ended at the first check, record committed), and a team's topic gets
 * a copy of every job-status event.
 */
class OperatorRecipesTest {

    private static final Duration STEP = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TEST_JOB = SimulatedJob.randomId();
    private static final String PLAIN_JOB = SimulatedJob.randomId();
    private static final String PROD_JOB = SimulatedJob.randomId();
    private static final List<String> PUBLISHED_JOBS = List.of(PLAIN_JOB, PROD_JOB);
    private static final List<String> STATES = JobScenario.FINISH.states().stream().map(s -> s.displayName()).toList();

    /** Every job ID the monitor asked AMS about, once per request. */
    private static final Queue<String> QUERIED = new ConcurrentLinkedQueue<>();

    private static ManualClock clock;
    private static AmsSimulator simulator;
    private static RunningMonitor monitor;
    private static KafkaTestClient kafka;
    private static Topics topics;
    private static RouteFolder routes;
    private static String groupId;
    private static String teamTopic;
    private static String validateOut;
    private static int validateExit;

    @BeforeAll
    static void applyBothRecipesThenSendThreeJobs() {
        clock = ManualClock.startingNow();
        simulator = new AmsSimulator(SimulatorSettings.defaults().withPort(0), clock).start();
        simulator.onJobsQuery((ids, at) -> QUERIED.addAll(ids));
        // the test job exists in AMS: were it tracked, it would get events like the others
        for (String job : List.of(TEST_JOB, PLAIN_JOB, PROD_JOB)) {
            simulator.register(job, "recipe job", JobScenario.FINISH, STEP);
        }

        topics = Topics.unique();
        routes = RouteFolder.copyOfShippedRoutes();
        Map<String, String> settings = RunningMonitor.settings(simulator, topics);
        routes.useIn(settings);
        groupId = settings.get("monitor.group-id");
        monitor = RunningMonitor.start(settings, topics);
        kafka = new KafkaTestClient(SharedKafka.broker().bootstrapServers());

        routes.write("check-job.camel.yaml", withIgnoreTestJobs(routes.read("check-job.camel.yaml"), routesPageSnippet("**Ignore some jobs**")));
        await("the filter applied", () -> statusOf(monitor).appliedCount() == 1);

        String teamSnippet = routesPageSnippet("**An extra topic for a team**");
        teamTopic = topicOf(teamSnippet);
        // the team's topic exists before its first record, as the public topics do
        SharedKafka.broker().createTopics(1, teamTopic);
        routes.write("publish-status.camel.yaml", withTeamTopic(routes.read("publish-status.camel.yaml"), teamSnippet));
        await("the team topic applied", () -> statusOf(monitor).appliedCount() == 2);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        validateExit = ValidateCommand.run(List.of(routes.path().toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        validateOut = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);

        // the test job first: intake reads one record at a time, so once a later job is published it has passed
        kafka.send(topics.jobIds(), null, "{\"jobId\":\"" + TEST_JOB + "\",\"correlationData\":{\"env\":\"test\"}}");
        kafka.send(topics.jobIds(), null, PLAIN_JOB);
        kafka.send(topics.jobIds(), null, "{\"jobId\":\"" + PROD_JOB + "\",\"correlationData\":{\"env\":\"prod\"}}");
        for (String job : PUBLISHED_JOBS) {
            awaitStatus(job, STATES.get(0));
        }
        for (String state : STATES.subList(1, STATES.size())) {
            clock.advance(STEP);
            for (String job : PUBLISHED_JOBS) {
                awaitStatus(job, state);
            }
        }
        await("intake committed all three records", () -> committedIntakeOffset() == 3);
    }

    @AfterAll
    static void stop() {
        Closing.closeAll(monitor, kafka, simulator);
    }

    @Test
    void should_apply_both_recipe_edits_of_the_routes_page_and_pass_validate() {
        assertEquals(2, statusOf(monitor).appliedCount());
        assertEquals(0, statusOf(monitor).refusedCount());
        assertEquals(0, validateExit, validateOut);
        assertEquals("ok: " + routes.files().size() + " route files in " + routes.path() + " follow the YAML DSL schema and load",
                validateOut.strip());
        assertTrue(routes.read("check-job.camel.yaml").contains("id: ignore-test-jobs"));
        assertTrue(routes.read("publish-status.camel.yaml").contains("id: to-team-topic"));
    }

    @Test
    void should_ignore_a_job_whose_correlation_data_says_env_test() {
        assertFalse(keys(topics.jobStatus()).contains(TEST_JOB), "the test job got an event");
        assertFalse(keys(topics.finished()).contains(TEST_JOB), "the test job got a final event");
        List<ConsumerRecord<String, byte[]>> tracking = kafka.readAll(topics.tracking()).stream()
                .filter(r -> TEST_JOB.equals(r.key())).toList();
        assertNull(tracking.get(tracking.size() - 1).value(), "the test job's tracking ended with a tombstone");
        assertEquals(1, QUERIED.stream().filter(TEST_JOB::equals).count(), "AMS asked about the test job once, in its first batch");
        assertFalse(keys(topics.deadLetter()).contains(TEST_JOB), "the test job was dead-lettered, not ignored");
    }

    @Test
    void should_publish_every_state_of_jobs_without_env_or_with_env_prod() {
        for (String job : PUBLISHED_JOBS) {
            List<String> states = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : kafka.readAll(topics.jobStatus())) {
                if (job.equals(r.key())) {
                    states.add(read(r).get("state").asText());
                }
            }
            assertEquals(STATES, states, job);
        }
        JsonNode prodEvent = kafka.readAll(topics.jobStatus()).stream().filter(r -> PROD_JOB.equals(r.key())).map(OperatorRecipesTest::read)
                .findFirst().orElseThrow();
        assertEquals("prod", prodEvent.at("/correlationData/env").asText(), prodEvent.toString());
    }

    @Test
    void should_copy_every_job_status_event_to_the_team_topic() {
        List<ConsumerRecord<String, byte[]>> events = kafka.readAll(topics.jobStatus());
        List<ConsumerRecord<String, byte[]>> copies = kafka.readAll(teamTopic).stream()
                .filter(r -> PUBLISHED_JOBS.contains(r.key())).toList();
        assertEquals(PUBLISHED_JOBS.size() * STATES.size(), events.size());
        assertEquals(events.size(), copies.size());
        for (ConsumerRecord<String, byte[]> event : events) {
            String ceId = header(event, "ce_id");
            ConsumerRecord<String, byte[]> copy = copies.stream().filter(c -> ceId.equals(header(c, "ce_id"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no team copy of " + ceId + " (" + event.key() + ")"));
            assertEquals(event.key(), copy.key());
            assertTrue(Arrays.equals(event.value(), copy.value()), "the copy of " + ceId + " differs");
            assertEquals(header(event, "ce_type"), header(copy, "ce_type"));
        }
    }

    // ---- the snippets of docs/routes.md, applied as an operator reads them ----

    /** The YAML block that follows {@code marker} in docs/routes.md. */
    static String routesPageSnippet(String marker) {
        String page;
        try {
            page = Files.readString(Path.of("docs/routes.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int at = page.indexOf(marker);
        assertTrue(at >= 0, "docs/routes.md has no " + marker);
        int start = page.indexOf("```yaml\n", at) + "```yaml\n".length();
        return page.substring(start, page.indexOf("```", start));
    }

    /**
     * The filter recipe: the snippet's lines up to its first "..." name the step it goes after, the
     * lines from {@code - filter:} on are inserted, and the {@code choice} with the steps that follow
     * it move under the filter's {@code steps}, at the indent the snippet shows.
     */
    /** check-job.camel.yaml with the snippet's filter inserted right after the step the snippet names before its "...". */
    static String withIgnoreTestJobs(String checkJob, String snippet) {
        List<String> lines = snippet.lines().toList();
        int gap = indexOf(lines, "...", 0);
        int filter = indexOf(lines, "- filter:", gap);
        String anchorId = lines.get(gap - 1).strip();
        List<String> file = new ArrayList<>(checkJob.lines().toList());
        int anchor = -1;
        for (int i = 0; i < file.size(); i++) {
            if (file.get(i).strip().equals(anchorId)) {
                anchor = i;
            }
        }
        assertTrue(anchor > 0, "check-job.camel.yaml has no " + anchorId);
        // the anchor step ends where the next step at its own indentation begins
        int stepIndent = indent(file.get(anchor - 1));
        int next = anchor + 1;
        while (next < file.size() && (file.get(next).isBlank() || indent(file.get(next)) > stepIndent)) {
            next++;
        }
        List<String> result = new ArrayList<>(file.subList(0, next));
        result.addAll(lines.subList(filter, lines.size()));
        result.addAll(file.subList(next, file.size()));
        return String.join("\n", result) + "\n";
    }

    /** The team-topic recipe: the snippet is a new step right after the step {@code to-job-status}. */
    static String withTeamTopic(String publishStatus, String snippet) {
        List<String> file = publishStatus.lines().toList();
        int toJobStatus = indexOf(file, "id: to-job-status", 0) - 1;
        int end = toJobStatus + 1;
        while (end < file.size() && (file.get(end).isBlank() || indent(file.get(end)) > indent(file.get(toJobStatus)))) {
            end++;
        }
        List<String> result = new ArrayList<>(file.subList(0, end));
        result.addAll(snippet.lines().toList());
        result.addAll(file.subList(end, file.size()));
        return String.join("\n", result) + "\n";
    }

    private static String topicOf(String snippet) {
        String line = snippet.lines().filter(l -> l.strip().startsWith("topic:")).findFirst().orElseThrow();
        return line.substring(line.indexOf(':') + 1).strip().replace("\"", "");
    }

    private static int indexOf(List<String> lines, String stripped, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(stripped)) {
                return i;
            }
        }
        throw new AssertionError("no line '" + stripped + "' in\n" + String.join("\n", lines));
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    // ---- reading the topics ----

    private static void awaitStatus(String jobId, String state) {
        List<ConsumerRecord<String, byte[]>> seen = kafka.consume(topics.jobStatus(),
                r -> jobId.equals(r.key()) && state.equals(read(r).get("state").asText()), 1, WAIT);
        assertEquals(1, seen.size(), "no " + state + " event for " + jobId + " within " + WAIT);
    }

    private static Set<String> keys(String topic) {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        kafka.readAll(topic).forEach(r -> {
            if (r.key() != null) {
                keys.add(r.key());
            }
        });
        return keys;
    }

    private static long committedIntakeOffset() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            OffsetAndMetadata committed = offsets.get(new TopicPartition(topics.jobIds(), 0));
            return committed == null ? -1 : committed.offset();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
